// Test support for membership simulations: N Swims on one MemoryNetwork with a ManualClock and seeded randomness.
import type { Clock } from '../../src/common/clock.js'
import { seededRandom } from '../../src/common/random.js'
import { MEMBER_EVENTS, Swim, type SwimInit } from '../../src/membership/index.js'
import type { MembershipEvents } from '../../src/membership/events.js'
import { MemoryNetwork, type MemoryNetworkInit } from '../../src/net/memory/index.js'
import type { NodeId, RequestHandler, RequestOptions, Transport } from '../../src/net/transport.js'
import { ManualClock } from '../support/manual-clock.js'

export interface ClusterInit {
  ids: NodeId[]
  seed?: number
  init?: SwimInit
  network?: Omit<MemoryNetworkInit, 'clock' | 'random'>
  /** Wraps a node's transport (e.g. to make it slow) before its Swim sees it. */
  wrap?: (id: NodeId, transport: Transport, clock: Clock) => Transport
  /** Join every node through the first one. @default true */
  join?: boolean
}

export interface SimCluster {
  clock: ManualClock
  net: MemoryNetwork
  swims: Map<NodeId, Swim>
  node: (id: NodeId) => Swim
  /** `event:memberId` strings each node saw, in order. */
  events: (id: NodeId) => string[]
  /** Whether every running node in `observers` holds `id` in `state` (undefined: does not hold it at all). */
  allSee: (observers: NodeId[], id: NodeId, state: string | undefined) => boolean
  /** Starts one more member (same init, its own seeded randomness) and joins it through `seed`. */
  add: (id: NodeId, seed: NodeId) => Promise<Swim>
  /** A process death: gone from the network at once, its Swim stopped and dropped from `swims`. */
  kill: (id: NodeId) => Promise<void>
  stop: () => Promise<void>
}

export async function startCluster (init: ClusterInit): Promise<SimCluster> {
  const clock = new ManualClock()
  const seed = init.seed ?? 42
  const net = new MemoryNetwork({ clock, random: seededRandom(seed), ...init.network })
  const swims = new Map<NodeId, Swim>()
  const seen = new Map<NodeId, string[]>()
  const cluster: SimCluster = {
    clock,
    net,
    swims,
    node: (id) => swims.get(id) as Swim,
    events: (id) => seen.get(id) ?? [],
    allSee: (observers, id, state) => observers.every((o) => swims.get(o)?.stateOf(id) === state),
    add: async (id, seedId) => {
      const swim = create(id)
      await swim.start()
      await drive(clock, swim.join([seedId]))
      return swim
    },
    kill: async (id) => {
      net.remove(id)
      await swims.get(id)?.stop()
      swims.delete(id)
      seen.delete(id)
    },
    stop: async () => { for (const swim of swims.values()) await swim.stop() }
  }
  let created = 0
  const create = (id: NodeId): Swim => {
    const raw = net.createTransport(id)
    const transport = init.wrap?.(id, raw, clock) ?? raw
    const swim = new Swim({ transport, clock, random: seededRandom(seed * 1000 + created++) }, init.init)
    const log: string[] = []
    for (const event of MEMBER_EVENTS) swim.on(event, (e: MembershipEvents[typeof event]) => { log.push(`${event}:${e.member.id}`) })
    seen.set(id, log)
    swims.set(id, swim)
    return swim
  }
  try {
    for (const id of init.ids) create(id)
    for (const swim of swims.values()) await swim.start()
    if (init.join !== false) {
      const [first] = init.ids
      for (const id of init.ids.slice(1)) await drive(clock, cluster.node(id).join([first as NodeId]))
    }
    return cluster
  } catch (err) {
    await cluster.stop()
    throw err
  }
}

/** Delays everything that leaves or reaches one node by `delayMs` on the clock: a slow (overloaded) member. */
export function slowTransport (inner: Transport, clock: Clock, delayMs: number): Transport {
  const later = async (): Promise<void> => { await new Promise<void>((resolve) => { clock.setTimeout(resolve, delayMs) }) }
  return {
    self: inner.self,
    publish: async (topic, data) => { await later(); await inner.publish(topic, data) },
    subscribe: (topic, fn) => inner.subscribe(topic, (from, data) => { void later().then(() => { fn(from, data) }) }),
    request: async (to: NodeId, protocol: string, data: Uint8Array, opts?: RequestOptions) => {
      await later()
      return await inner.request(to, protocol, data, opts)
    },
    handle: async (protocol: string, fn: RequestHandler) => {
      await inner.handle(protocol, async (from, data) => { await later(); return await fn(from, data) })
    },
    unhandle: async (protocol) => { await inner.unhandle(protocol) },
    addresses: () => inner.addresses(),
    addAddresses: (id, addrs) => { inner.addAddresses(id, addrs) },
    connect: async (addr, opts) => await inner.connect(addr, opts)
  }
}

/** Awaits `promise` while moving the clock a millisecond at a time, for work that waits on network latency. */
export async function drive<T> (clock: ManualClock, promise: Promise<T>, limitMs = 60_000): Promise<T> {
  let settled = false
  const tracked = promise.finally(() => { settled = true })
  for (let ms = 0; !settled && ms < limitMs; ms++) await clock.advance(1)
  return await tracked
}
