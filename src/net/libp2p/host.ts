import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub, type GossipsubOpts } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { LocalFailureError } from '../../common/errors.js'
import { silentLog, type Log } from '../../common/log.js'
import { LISTEN_ADDRESS } from '../../config/defaults.js'
import { handshakeGuard, reportHandshakeFailures } from './handshake.js'

const log = logger('dcache:net:host')

export type DcacheHost = Libp2p<{ identify: Identify, pubsub: GossipSub }>

export interface MdnsInit {
  /** @default 10000 (the @libp2p/mdns default) */
  intervalMs?: number
  /** Keeps clusters on one LAN apart. @default 'dcache.local' */
  serviceTag?: string
}

export interface HostInit {
  /** The node's identity (see loadOrCreatePrivateKey); a fresh one each start if absent. */
  privateKey?: PrivateKey
  /** Multiaddrs to listen on, and the only ones announced. `[]` makes a client-only host. @default [LISTEN_ADDRESS] */
  listen?: string[]
  /** Contents of a swarm key file: only peers with the same key can connect (libp2p private network). */
  swarmKey?: Uint8Array
  /** Find peers on the LAN with mDNS and dial them. @default off */
  mdns?: MdnsInit | boolean
  /** Gossipsub overrides (heartbeatInterval, D, Dlo, Dhi, ...). */
  gossipsub?: Partial<GossipsubOpts>
  /** Gets a warning for each connection refused in its handshake (a peer without this swarm key, or with another). */
  log?: Log
}

/**
 * Starts a libp2p 3 host: TCP, Noise, Yamux, identify and gossipsub, with an optional private-network key and
 * mDNS. It announces exactly the addresses it listens on: no observed or external addresses.
 */
export async function createHost (init: HostInit = {}): Promise<DcacheHost> {
  // Filled from the listeners once bound, so a /tcp/0 listen address is announced with its real port.
  const listening = new Set<string>()
  const nodeLog = init.log ?? silentLog
  const peerDiscovery: Array<ReturnType<typeof mdns>> = []
  if (init.mdns !== undefined && init.mdns !== false) {
    const options = init.mdns === true ? {} : init.mdns
    peerDiscovery.push(mdns({ interval: options.intervalMs, serviceTag: options.serviceTag ?? 'dcache.local' }))
  }
  const host: DcacheHost = await createLibp2p({
    start: false,
    ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
    addresses: {
      listen: init.listen ?? [LISTEN_ADDRESS],
      announceFilter: (addrs: Multiaddr[]) => addrs.filter((addr) => listening.has(withoutPeerId(addr)))
    },
    // libp2p refuses more than 5 new connections per second from one host: a cluster started on one machine (or
    // behind one NAT) opens far more than that while members join and probe each other.
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
    transports: [reportHandshakeFailures(tcp())],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionProtector: handshakeGuard({
      swarmKey: init.swarmKey,
      onRefused: (remote, reason) => { nodeLog.write('warn', 'connection:refused', `refused a connection from ${remote}: ${reason}`, { remote }) }
    }),
    peerDiscovery,
    services: {
      identify: identify(),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        ...init.gossipsub,
        // Every node of a local cluster shares 127.0.0.1: the same-IP penalty would silence them all (FACTS section 7).
        scoreParams: { ...init.gossipsub?.scoreParams, IPColocationFactorWeight: 0 }
      })
    }
  })
  host.addEventListener('transport:listening', (evt) => {
    for (const addr of evt.detail.getAddrs()) listening.add(withoutPeerId(addr))
  })
  host.addEventListener('transport:close', (evt) => {
    for (const addr of evt.detail.getAddrs()) listening.delete(withoutPeerId(addr))
  })
  if (peerDiscovery.length > 0) {
    // libp2p 3 does not dial discovered peers by itself (FACTS 4e).
    host.addEventListener('peer:discovery', (evt) => {
      const peer = evt.detail.id
      if (peer.equals(host.peerId) || host.getConnections(peer).length > 0) return
      host.dial(peer).catch((err: unknown) => { log('dial to discovered peer %p failed: %e', peer, err) })
    })
  }
  try {
    await host.start()
  } catch (err) {
    await Promise.resolve(host.stop()).catch(() => {})
    throw new LocalFailureError(listenFailure(err))
  }
  return host
}

/** Why a listen fails, by errno, in the words an operator looks for. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied (ports below 1024 need privileges)'
}

/** libp2p reports a failed listen with a paragraph and stack traces; an operator needs the address and the reason. */
function listenFailure (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const detail = /(\/ip[46]\/\S+): Error: ([^\n]+)/.exec(message)
  if (detail === null) return `cannot start the libp2p host: ${message.split('\n')[0]}`
  const errno = /\b(E[A-Z]+)\b/.exec(detail[2] as string)?.[1]
  return `cannot listen on ${detail[1]}: ${(errno === undefined ? undefined : LISTEN_ERRORS[errno]) ?? detail[2]?.trim()}`
}

function withoutPeerId (addr: Multiaddr): string {
  return multiaddr(addr.toString().replace(/\/p2p\/[^/]+$/, '')).toString()
}
