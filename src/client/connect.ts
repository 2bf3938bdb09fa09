import { NetworkError, TimeoutError } from '../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../config/defaults.js'
import { createHost, Libp2pTransport } from '../net/libp2p/index.js'
import { DistributedCache, type DistributedCacheInit } from './distributed-cache.js'

export interface ConnectOptions extends DistributedCacheInit {
  /** Contents of the cluster's swarm key, if it runs as a private network. */
  swarmKey?: Uint8Array
}

/**
 * Connects a client to a cluster through the first of `addresses` (member multiaddrs; the /p2p/<id> may be left out)
 * that answers: the rest are fallbacks. The client runs its own libp2p host that listens nowhere; close() stops it.
 * Throws TimeoutError when no address answered in time, NetworkError when some refused.
 */
export async function connectClient (addresses: string[], options: ConnectOptions = {}): Promise<DistributedCache> {
  const timeoutMs = options.timeout ?? REQUEST_TIMEOUT_MS
  const host = await createHost({ listen: [], swarmKey: options.swarmKey })
  const transport = new Libp2pTransport(host, { requestTimeoutMs: options.timeout })
  await transport.start()
  const connection = { transport, close: async () => { await transport.stop() } }
  const failures: Array<{ address: string, error: Error }> = []
  for (const address of addresses) {
    let seed: string
    try {
      seed = await transport.connect(address, { signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      failures.push({ address, error: err as Error })
      continue
    }
    return await DistributedCache.open(connection, [seed], options)
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
