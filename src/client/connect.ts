import { NetworkError } from '../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../config/defaults.js'
import { createHost, Libp2pTransport } from '../net/libp2p/index.js'
import { DistributedCache, type DistributedCacheInit } from './distributed-cache.js'

export interface ConnectOptions extends DistributedCacheInit {
  /** Contents of the cluster's swarm key, if it runs as a private network. */
  swarmKey?: Uint8Array
}

/**
 * Connects a client to a cluster through one or more member multiaddrs (with /p2p/<id>). The client runs its own
 * libp2p host that listens nowhere; close() stops it.
 */
export async function connectClient (addresses: string[], options: ConnectOptions = {}): Promise<DistributedCache> {
  const host = await createHost({ listen: [], swarmKey: options.swarmKey })
  const transport = new Libp2pTransport(host, { requestTimeoutMs: options.timeout })
  await transport.start()
  const connection = { transport, close: async () => { await transport.stop() } }
  const seeds: string[] = []
  const failures: Array<{ address: string, err: Error }> = []
  for (const address of addresses) {
    try {
      seeds.push(await transport.connect(address, { signal: AbortSignal.timeout(options.timeout ?? REQUEST_TIMEOUT_MS) }))
    } catch (err) {
      failures.push({ address, err: err as Error })
    }
  }
  if (seeds.length === 0) {
    await connection.close()
    // one node's own error is clearer than a list of one (a swarm key mismatch says so)
    if (failures.length === 1) throw (failures[0] as { err: Error }).err
    throw new NetworkError(`cannot reach any node (${failures.map((f) => `${f.address}: ${f.err.message}`).join('; ')})`)
  }
  return await DistributedCache.open(connection, seeds, options)
}
