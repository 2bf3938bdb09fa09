// Deterministic whole-node simulation: CacheNodes and clients on one MemoryNetwork, a ManualClock and seeded
// randomness, with kill, restart, partition, isolation, message loss and delay. Replication is tested here first.
import { seededRandom } from '../../src/common/random.js'
import type { Log } from '../../src/common/log.js'
import { DistributedCache, type DistributedCacheInit } from '../../src/client/distributed-cache.js'
import { resolveConfig, type CacheConfigInput } from '../../src/config/index.js'
import { CacheNode } from '../../src/node/cache-node.js'
import { MemoryNetwork } from '../../src/net/memory/index.js'
import type { NodeId } from '../../src/net/transport.js'
import { ManualClock } from './manual-clock.js'

export interface SimNodesInit {
  ids: NodeId[]
  seed?: number
  /** Config of every node (membershipPreset 'local' unless given). */
  config?: CacheConfigInput
  latencyMs?: number
  dropRate?: number
  /** A node's log (silent for the nodes it gives none). */
  log?: (id: NodeId) => Log | undefined
}

export class SimNodes {
  readonly clock = new ManualClock()
  readonly net: MemoryNetwork
  readonly nodes = new Map<NodeId, CacheNode>()
  private readonly clients: DistributedCache[] = []
  private readonly seed: number
  private starts = 0
  private clientCount = 0

  private constructor (private readonly init: SimNodesInit) {
    this.seed = init.seed ?? 7
    this.net = new MemoryNetwork({ clock: this.clock, random: seededRandom(this.seed), latencyMs: init.latencyMs, dropRate: init.dropRate })
  }

  /** Starts every node and joins them through the first; returns once every ring holds every node. */
  static async start (init: SimNodesInit): Promise<SimNodes> {
    const sim = new SimNodes(init)
    try {
      for (const id of init.ids) await sim.startNode(id)
      const [first] = init.ids as [NodeId]
      // with message loss a join may need another try, as a seed's answer can be lost
      for (const id of init.ids.slice(1)) {
        for (let tries = 1; ; tries++) {
          const joined = await sim.run(sim.node(id).join([first])).then(() => true, (err: unknown) => { if (tries === 5) throw err; return false })
          if (joined) break
        }
      }
      await sim.until(() => sim.running().every((n) => n.ring.size === init.ids.length && n.membership.aliveMembers().length === init.ids.length), 'every node sees every node')
      return sim
    } catch (err) {
      await sim.stop()
      throw err
    }
  }

  node (id: NodeId): CacheNode {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`no running node ${id}`)
    return node
  }

  running (): CacheNode[] {
    return [...this.nodes.values()]
  }

  /** A client connected through `via` (default: the first node), on the simulated clock. */
  async client (via?: NodeId, init: DistributedCacheInit = {}): Promise<DistributedCache> {
    const transport = this.net.createTransport(`client-${++this.clientCount}`)
    const seed = via ?? this.running()[0]?.id as NodeId
    const client = await this.run(DistributedCache.open({ transport, close: async () => { this.net.remove(transport.self) } }, [seed], { clock: this.clock, ...init }))
    this.clients.push(client)
    return client
  }

  /** A process death: the node stops answering at once and loses everything it held. */
  async kill (id: NodeId): Promise<void> {
    const node = this.node(id)
    this.nodes.delete(id)
    this.net.remove(id)
    await node.stop()
  }

  /** A new process with the same id (an empty engine), joining through `via`. */
  async restart (id: NodeId, via: NodeId): Promise<CacheNode> {
    const node = await this.startNode(id)
    await this.run(node.join([via]))
    return node
  }

  /** Advances the clock in small steps until `condition` holds; throws after `limitMs` of simulated time. */
  async until (condition: () => boolean, what: string, limitMs = 120_000, stepMs = 50): Promise<void> {
    for (let waited = 0; !condition(); waited += stepMs) {
      if (waited >= limitMs) throw new Error(`timed out (simulated ${limitMs} ms) waiting until ${what}`)
      await this.clock.advance(stepMs)
    }
  }

  /** Awaits a promise while moving the clock, for work that waits on latency or timers. */
  async run<T> (promise: Promise<T>, limitMs = 60_000): Promise<T> {
    let settled = false
    const tracked = promise.finally(() => { settled = true })
    tracked.catch(() => {}) // settled while the clock moves; the caller gets the rejection below
    for (let ms = 0; !settled && ms < limitMs; ms += 5) await this.clock.advance(5)
    return await tracked
  }

  /** Lets simulated time pass (background work such as hint delivery and repairs). */
  async advance (ms: number): Promise<void> {
    await this.clock.advance(ms)
  }

  async stop (): Promise<void> {
    for (const client of this.clients.splice(0)) await client.close().catch(() => {})
    for (const node of this.nodes.values()) await node.stop()
    this.nodes.clear()
  }

  private async startNode (id: NodeId): Promise<CacheNode> {
    const config = resolveConfig({ membershipPreset: 'local', name: id, dataDir: '/nonexistent', virtualNodes: 64, ...this.init.config })
    const node = new CacheNode({
      transport: this.net.createTransport(id),
      clock: this.clock,
      random: seededRandom(this.seed * 1000 + ++this.starts),
      log: this.init.log?.(id),
      // the test process's CPU time would differ from run to run
      cpuTime: () => ({ userMs: 0, systemMs: 0 })
    }, config)
    this.nodes.set(id, node)
    await node.start()
    return node
  }
}
