// Waiting on a real cluster from outside: what the e2e tests of CLI processes share.
import type { LocalNode } from '../../src/cli/local-cluster.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'
import type { ClusterInfo } from '../../src/node/protocol.js'

/** The peer id of a node started by LocalCluster. */
export const idOf = (node: LocalNode): string => node.address.split('/p2p/')[1] as string

/** Asks `client`'s contact node for its view until `check` holds (the cluster has no push channel to clients). */
export async function waitForView (client: DistributedCache, check: (info: ClusterInfo) => boolean, what: string, timeoutMs = 30_000): Promise<ClusterInfo> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const info = await client.getClusterInfo()
    if (check(info)) return info
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(info.members.map((m) => [m.name, m.state]))}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
