import type { DistributedCache } from '../src/client/distributed-cache.js'

const CONVERGE_TIMEOUT_MS = 20_000

/** Waits until the contact node sees `n` members alive, so a client's ring has them all. */
export async function waitForMembers (cache: DistributedCache, n: number): Promise<void> {
  const giveUpAt = Date.now() + CONVERGE_TIMEOUT_MS
  for (;;) {
    const info = await cache.getClusterInfo()
    if (info.members.filter((m) => m.state === 'alive').length >= n) return
    if (Date.now() > giveUpAt) throw new Error(`cluster did not converge: ${info.members.length} members`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
