import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { systemClock } from '../common/clock.js'
import { systemRandom } from '../common/random.js'
import { silentLog, type Log } from '../common/log.js'
import { ADDRESS_FILE } from '../config/defaults.js'
import { createHost, Libp2pTransport, loadOrCreatePrivateKey } from '../net/libp2p/index.js'
import { LOCAL_SOCKET_FILE, LocalSocketServer } from '../net/local-socket.js'
import { CacheNode } from './cache-node.js'
import { CACHE_PROTOCOL } from './protocol.js'
import { ensureDataDir } from './data-dir.js'
import type { CacheConfig } from '../config/index.js'
import { withPeerId } from '../net/transport.js'

export { CacheNode, type CacheNodeComponents } from './cache-node.js'
export type { NodeStats } from './stats.js'
export type { NodeEvent } from './event-log.js'
export type { ClusterInfo, ForgetReply, MemberView, KeyResult, TtlResult, CacheRequest } from './protocol.js'

/** Name of the node's identity key inside its data directory (mode 0600). */
export const PRIVATE_KEY_FILE = 'peer.key'

export interface RunningNode {
  node: CacheNode
  transport: Libp2pTransport
  /** The multiaddrs it announces, each with /p2p/<id>. */
  addresses: string[]
  /** Where it serves clients on this machine (`<dataDir>/node.sock`); absent if that socket could not be opened. */
  localSocket?: string
  stop(): Promise<void>
}

export interface CreateNodeOptions {
  /** Contents of a swarm key: only holders of the same key can connect. */
  swarmKey?: Uint8Array
  /** Called when the cluster removed this node gracefully (`dcache node remove`). */
  onRemoved?: () => void
  /** Gets the node's log lines (member and ring changes, refused connections, ...); nothing is logged without one. */
  log?: Log
}

/**
 * Starts a cluster member on libp2p: identity from `<dataDir>/peer.key` (so the PeerId survives restarts),
 * listening and announcing `config.listen`, joined through `config.join`; serves clients on this machine on
 * `<dataDir>/node.sock` too, then writes `<dataDir>/node.addr`.
 */
export async function createNode (config: Readonly<CacheConfig>, options: CreateNodeOptions = {}): Promise<RunningNode> {
  const log = options.log ?? silentLog
  const settings = Object.entries(config).map(([field, value]) => `${field}=${Array.isArray(value) ? value.join(',') : String(value)}`)
  log.write('debug', 'node:config', `configuration: ${settings.join(' ')}`, { ...config })
  ensureDataDir(config.dataDir)
  const privateKey = await loadOrCreatePrivateKey(join(config.dataDir, PRIVATE_KEY_FILE))
  const host = await createHost({ privateKey, listen: config.listen, mdns: config.mdns, swarmKey: options.swarmKey, log })
  const transport = new Libp2pTransport(host, { requestTimeoutMs: config.requestTimeout })
  const node = new CacheNode({ transport, clock: systemClock, random: systemRandom, onRemoved: options.onRemoved, log }, config)
  let localServer: LocalSocketServer | undefined
  const stop = async (): Promise<void> => {
    await localServer?.close()
    await node.stop()
    await transport.stop()
  }
  try {
    await transport.start()
    await node.start()
    if (config.join.length > 0) await node.join(config.join)
    if (config.mdns) joinDiscoveredPeers(node, transport)
    localServer = await openLocalSocket(join(config.dataDir, LOCAL_SOCKET_FILE), node, log)
    const addresses = transport.addresses()
    await writeFile(join(config.dataDir, ADDRESS_FILE), addresses.join('\n') + '\n')
    return { node, transport, addresses, localSocket: localServer?.path, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * The node's client requests on a Unix socket (the CLI's fast path on this machine). Not having one is no reason to
 * refuse to run: clients then connect over the network, as they do from other machines.
 */
async function openLocalSocket (path: string, node: CacheNode, log: Log): Promise<LocalSocketServer | undefined> {
  try {
    return await LocalSocketServer.listen(path, { [CACHE_PROTOCOL]: node.serveEncoded })
  } catch (err) {
    log.write('warn', 'node:local-socket', `no local socket at ${path} (${(err as Error).message}): clients on this machine connect over the network`)
    return undefined
  }
}

/** mDNS finds peers on the LAN; a discovered peer that is not already a live member is joined like a seed. */
function joinDiscoveredPeers (node: CacheNode, transport: Libp2pTransport): void {
  transport.host.addEventListener('peer:discovery', (evt) => {
    const id = evt.detail.id.toString()
    if (id === node.id || node.membership.stateOf(id) === 'alive') return
    const addresses = evt.detail.multiaddrs.map((addr) => withPeerId(addr.toString(), id))
    node.join(addresses).catch((err: unknown) => { node.events.record('error', `cannot join discovered peer ${id}: ${(err as Error).message}`) })
  })
}
