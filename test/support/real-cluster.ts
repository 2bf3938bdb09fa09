// Real libp2p nodes in this process, on 127.0.0.1 with free ports and temporary data dirs.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveConfig, type CacheConfigInput } from '../../src/config/index.js'
import { createNode, type RunningNode } from '../../src/node/index.js'
import { connectClient } from '../../src/client/connect.js'
import type { DistributedCache, DistributedCacheInit } from '../../src/client/distributed-cache.js'

export interface RealCluster {
  nodes: RunningNode[]
  baseDir: string
  /** Starts one more node joined through the first (or with the given data dir, to restart one). */
  add: (name: string, overrides?: CacheConfigInput) => Promise<RunningNode>
  client: (init?: DistributedCacheInit) => Promise<DistributedCache>
  stop: () => Promise<void>
}

export async function startRealCluster (n: number, overrides: CacheConfigInput = {}): Promise<RealCluster> {
  const baseDir = await mkdtemp(join(tmpdir(), 'dcache-test-'))
  const nodes: RunningNode[] = []
  const clients: DistributedCache[] = []
  const cluster: RealCluster = {
    nodes,
    baseDir,
    add: async (name, more = {}) => {
      const seed = nodes[0]?.addresses[0]
      const config = resolveConfig({
        listen: ['/ip4/127.0.0.1/tcp/0'],
        dataDir: join(baseDir, name),
        name,
        membershipPreset: 'local',
        join: seed === undefined ? [] : [seed],
        ...overrides,
        ...more
      })
      const node = await createNode(config)
      nodes.push(node)
      return node
    },
    client: async (init = {}) => {
      const client = await connectClient(nodes.map((node) => node.addresses[0] as string), init)
      clients.push(client)
      return client
    },
    stop: async () => {
      await Promise.allSettled(clients.splice(0).map(async (c) => { await c.close() }))
      await Promise.allSettled(nodes.splice(0).map(async (node) => { await node.stop() }))
      await rm(baseDir, { recursive: true, force: true })
    }
  }
  try {
    for (let i = 0; i < n; i++) await cluster.add(`node-${i + 1}`)
  } catch (err) {
    await cluster.stop()
    throw err
  }
  return cluster
}

/**
 * Resolves once `check()` holds, re-checking whenever one of the nodes reports a membership change;
 * rejects after `timeoutMs` with `what` in the message.
 */
export async function waitForMembership (nodes: RunningNode[], check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  if (check()) return
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  const unsubscribers = nodes.flatMap((n) => (['member:join', 'member:alive', 'member:suspect', 'member:dead', 'member:left', 'member:update'] as const)
    .map((event) => n.node.membership.on(event, () => { if (check()) resolve() })))
  const timer = setTimeout(() => { reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)) }, timeoutMs)
  try {
    await promise
  } finally {
    clearTimeout(timer)
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}

/** Every node's ring holds exactly the ids of `nodes`. */
export function ringsConverged (nodes: RunningNode[]): boolean {
  const ids = nodes.map((n) => n.node.id).sort().join()
  return nodes.every((n) => n.node.ring.nodes().slice().sort().join() === ids)
}
