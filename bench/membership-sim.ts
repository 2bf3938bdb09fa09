/**
 * SWIM at scale, simulated: N members on a MemoryNetwork with a simulated clock and seeded randomness.
 * For 10, 100 and 1,000 members it reports
 *  - messages per member per second in steady state (SWIM promises a flat load per member), and while a failure
 *    is being detected;
 *  - detection time from isolating one member to its first suspicion, and to every other member holding it dead.
 * Prints a table and a final JSON line. Run: node --import tsx bench/membership-sim.ts [sizes...]
 */
import type { Clock, TimerId } from '../src/common/clock.js'
import { seededRandom } from '../src/common/random.js'
import { Swim } from '../src/membership/index.js'
import { MemoryNetwork } from '../src/net/memory/index.js'
import type { NodeId, Transport } from '../src/net/transport.js'

const LATENCY_MS = 1
const STEADY_WINDOW_MS = 30_000
const DETECTION_LIMIT_MS = 300_000
const SEED = 7

interface Timer { at: number, id: number, fn: () => void }

/**
 * A simulation clock with a binary heap, so thousands of pending timers stay cheap (test/support's ManualClock
 * re-sorts its list on every timer). Timers due at the same instant fire in creation order; microtasks and
 * immediates are drained between instants.
 */
class SimClock implements Clock {
  private current = 0
  private nextId = 1
  private readonly heap: Timer[] = []
  private readonly cancelled = new Set<number>()

  now (): number { return this.current }

  setTimeout (fn: () => void, ms: number): TimerId {
    const timer = { at: this.current + Math.max(0, ms), id: this.nextId++, fn }
    this.push(timer)
    return timer.id
  }

  clearTimeout (id: TimerId): void { this.cancelled.add(id as number) }

  async advance (ms: number): Promise<void> {
    const target = this.current + ms
    await drain()
    for (;;) {
      const top = this.heap[0]
      if (top === undefined || top.at > target) break
      this.current = top.at
      while (this.heap[0] !== undefined && this.heap[0].at === this.current) {
        const timer = this.pop()
        if (this.cancelled.delete(timer.id)) continue
        timer.fn()
      }
      await drain()
    }
    this.current = target
  }

  private push (timer: Timer): void {
    const heap = this.heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!earlier(timer, heap[parent] as Timer)) break
      heap[i] = heap[parent] as Timer
      i = parent
    }
    heap[i] = timer
  }

  private pop (): Timer {
    const heap = this.heap
    const top = heap[0] as Timer
    const last = heap.pop() as Timer
    if (heap.length > 0) {
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        if (left >= heap.length) break
        const right = left + 1
        const child = right < heap.length && earlier(heap[right] as Timer, heap[left] as Timer) ? right : left
        if (!earlier(heap[child] as Timer, last)) break
        heap[i] = heap[child] as Timer
        i = child
      }
      heap[i] = last
    }
    return top
  }
}

function earlier (a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id)
}

async function drain (): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve))
}

/** Counts what crosses the network: each request and its response, and each delivery of a publish. */
class Counter {
  messages = 0

  wrap (inner: Transport): Transport {
    return {
      self: inner.self,
      publish: async (topic, data) => { await inner.publish(topic, data) },
      subscribe: (topic, fn) => inner.subscribe(topic, (from, data) => { this.messages++; fn(from, data) }),
      request: async (to, protocol, data, opts) => { this.messages += 2; return await inner.request(to, protocol, data, opts) },
      handle: async (protocol, fn) => { await inner.handle(protocol, fn) },
      unhandle: async (protocol) => { await inner.unhandle(protocol) },
      addresses: () => inner.addresses(),
      addAddresses: (id, addrs) => { inner.addAddresses(id, addrs) },
      connect: async (addr, opts) => await inner.connect(addr, opts)
    }
  }
}

interface Result {
  members: number
  steadyMsgsPerMemberPerS: number
  detectionMsgsPerMemberPerS: number
  firstSuspicionMs: number | null
  allDeadMs: number | null
  buildWallMs: number
  simWallMs: number
}

async function runSize (n: number): Promise<Result> {
  const clock = new SimClock()
  const net = new MemoryNetwork({ clock, random: seededRandom(SEED), latencyMs: LATENCY_MS })
  const counter = new Counter()
  const ids = Array.from({ length: n }, (_, i) => `m${String(i).padStart(4, '0')}`)
  const swims = ids.map((id, i) => new Swim({ transport: counter.wrap(net.createTransport(id)), clock, random: seededRandom(SEED * 10_000 + i) }))
  const buildStart = performance.now()
  try {
    for (const swim of swims) await swim.start()
    for (const swim of swims.slice(1)) {
      const joined = swim.join([ids[0] as NodeId])
      let done = false
      void joined.finally(() => { done = true })
      while (!done) await clock.advance(1)
      await joined
    }
    const config = (swims[0] as Swim).config
    // Let the joins settle (gossip, then a full push/pull round) before measuring.
    await clock.advance(config.pushPullIntervalMs)
    const converged = swims.every((swim) => swim.aliveMembers().length === n)
    if (!converged) throw new Error(`${n} members did not converge`)
    const buildWallMs = performance.now() - buildStart

    const simStart = performance.now()
    counter.messages = 0
    await clock.advance(STEADY_WINDOW_MS)
    const steady = counter.messages / n / (STEADY_WINDOW_MS / 1000)

    const victim = ids[n - 1] as NodeId
    const observers = swims.slice(0, n - 1)
    let firstSuspicion: number | null = null
    let deadCount = 0
    let allDead: number | null = null
    const isolatedAt = clock.now()
    for (const swim of observers) {
      swim.on('member:suspect', (e) => { if (e.member.id === victim && firstSuspicion === null) firstSuspicion = e.time - isolatedAt })
      swim.on('member:dead', (e) => { if (e.member.id === victim && ++deadCount === observers.length) allDead = e.time - isolatedAt })
    }
    counter.messages = 0
    net.isolate(victim)
    while (allDead === null && clock.now() - isolatedAt < DETECTION_LIMIT_MS) await clock.advance(config.probeIntervalMs)
    const detectionSeconds = (clock.now() - isolatedAt) / 1000
    return {
      members: n,
      steadyMsgsPerMemberPerS: round(steady),
      detectionMsgsPerMemberPerS: round(counter.messages / n / detectionSeconds),
      firstSuspicionMs: firstSuspicion,
      allDeadMs: allDead,
      buildWallMs: Math.round(buildWallMs),
      simWallMs: Math.round(performance.now() - simStart)
    }
  } finally {
    for (const swim of swims) await swim.stop()
  }
}

function round (x: number): number {
  return Math.round(x * 100) / 100
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 1)
const results: Result[] = []
for (const n of sizes.length > 0 ? sizes : [10, 100, 1000]) results.push(await runSize(n))

const header = ['members', 'msgs/member/s steady', 'msgs/member/s detecting', 'first suspicion ms', 'all dead ms', 'build wall ms', 'sim wall ms']
const rows = results.map((r) => [r.members, r.steadyMsgsPerMemberPerS, r.detectionMsgsPerMemberPerS, r.firstSuspicionMs ?? '-', r.allDeadMs ?? '-', r.buildWallMs, r.simWallMs].map(String))
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ')
process.stdout.write(`SWIM simulation, lan preset, ${LATENCY_MS} ms one-way latency, seed ${SEED}\n`)
process.stdout.write(line(header) + '\n')
for (const row of rows) process.stdout.write(line(row) + '\n')
process.stdout.write(JSON.stringify({ bench: 'membership-sim', preset: 'lan', latencyMs: LATENCY_MS, results }) + '\n')
