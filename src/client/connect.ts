import { NetworkError, TimeoutError } from '../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../config/defaults.js'
// Not ../net/libp2p/index.js: that would load the member host and its gossipsub, identify and mDNS too.
import { createClientHost, type ClientHost } from '../net/libp2p/client-host.js'
import { Libp2pTransport } from '../net/libp2p/libp2p-transport.js'
import { DistributedCache, type ClientConnection, type DistributedCacheInit } from './distributed-cache.js'
import { peerIdOf } from './members-file.js'
import type { NodeId, Transport } from '../net/transport.js'

export interface ConnectOptions extends DistributedCacheInit {
  /** Contents of the cluster's swarm key, if it runs as a private network. */
  swarmKey?: Uint8Array
}

/**
 * Connects a client to a cluster through member addresses (multiaddrs; the /p2p/<id> may be left out): it dials them
 * in order until one answers, which becomes the contact node; the later ones are kept as fallbacks and dialled only
 * if needed. The client runs its own libp2p host that listens nowhere; close() stops it. Throws TimeoutError when no
 * address answered in time, NetworkError when some refused.
 */
export async function connectClient (addresses: string[], options: ConnectOptions = {}): Promise<DistributedCache> {
  const timeoutMs = options.timeout ?? REQUEST_TIMEOUT_MS
  const connection = await openNetworkConnection(options)
  const { transport } = connection
  const failures: Array<{ address: string, error: Error }> = []
  for (const [index, address] of addresses.entries()) {
    let contact: NodeId
    try {
      contact = await transport.connect(address, { signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      failures.push({ address, error: err as Error })
      continue
    }
    return await DistributedCache.open(connection, [contact, ...fallbacks(transport, addresses.slice(index + 1))], options)
  }
  await connection.close()
  if (failures.length > 0 && failures.every((f) => f.error instanceof TimeoutError)) {
    throw new TimeoutError(`no answer within ${timeoutMs} ms from ${addresses.join(', ')}`)
  }
  // one node's own error is clearer than a list of one (a swarm key mismatch says so)
  if (failures.length === 1) throw (failures[0] as { error: Error }).error
  const reasons = failures.map((f) => f.error.message.includes(f.address) ? f.error.message : `${f.address}: ${f.error.message}`)
  throw new NetworkError(`cannot reach any node (${reasons.join('; ')})`)
}

/** A started libp2p client host (it listens nowhere) and its transport, which close() stops. */
export async function openNetworkConnection (options: Pick<ConnectOptions, 'swarmKey' | 'timeout'>): Promise<ClientConnection & { transport: Libp2pTransport<ClientHost> }> {
  const host = await createClientHost({ swarmKey: options.swarmKey })
  const transport = new Libp2pTransport(host, { requestTimeoutMs: options.timeout })
  await transport.start()
  return { transport, close: async () => { await transport.stop() } }
}

/** The members behind `addresses` that name their peer id, with the addresses stored for a later dial. */
function fallbacks (transport: Transport, addresses: string[]): NodeId[] {
  return addresses.flatMap((address) => {
    const id = peerIdOf(address)
    if (id === undefined) return []
    transport.addAddresses(id, [address])
    return [id]
  })
}
