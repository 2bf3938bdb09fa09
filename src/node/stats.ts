import type { Clock } from '../common/clock.js'
import type { CacheStats } from '../store/index.js'
import type { ReplicationStats } from '../replication/index.js'
import type { CacheOp } from './protocol.js'
import type { TransportStats } from '../net/transport-stats.js'

/** Latency samples kept per node for percentiles: the most recent ones only, so the figures follow the load. */
const LATENCY_WINDOW = 2048

/** CPU time a process has used since it started, in milliseconds. */
export interface CpuTime {
  userMs: number
  systemMs: number
}

/** This process's CPU time: statistics report it as a process fact (a node is one process), not through the clock. */
export function processCpuTime (): CpuTime {
  const { user, system } = process.cpuUsage()
  return { userMs: user / 1000, systemMs: system / 1000 }
}

/** One node's statistics as they go over the wire to `dcache stats` and the dashboard. */
export interface NodeStats {
  id: string
  name: string
  /** Clock time the snapshot was taken. */
  time: number
  uptimeMs: number
  engine: CacheStats
  /** Client requests served, by operation (a request counts once, on the member it came to). */
  requests: Partial<Record<CacheOp, number>>
  errors: number
  /** Requests passed on to another member (read-modify-writes to their key's coordinator). */
  forwarded: number
  /** Replicas per key now (the configured N, or fewer while the ring has fewer members). */
  replicationFactor: number
  replication: ReplicationStats
  /** Over the last LATENCY_WINDOW requests, in milliseconds. */
  latency: { p50Ms: number, p99Ms: number }
  /** CPU time of the node's process so far (with other members in the same process, theirs too); absent from members of an older version. */
  cpu?: CpuTime
  /** The member's network counters (frames in and out, writes: framesOut / writes is how many frames share a write). */
  transport?: TransportStats
}

/** Counts requests and keeps a window of latencies. */
export class NodeStatsRecorder {
  forwarded = 0
  private errors = 0
  private readonly requests: Partial<Record<CacheOp, number>> = {}
  private readonly latencies = new Float64Array(LATENCY_WINDOW)
  private samples = 0
  private readonly startedAt: number

  constructor (private readonly clock: Clock, private readonly cpuTime: () => CpuTime = processCpuTime) {
    this.startedAt = clock.now()
  }

  record (op: CacheOp, latencyMs: number, ok: boolean): void {
    this.requests[op] = (this.requests[op] ?? 0) + 1
    if (!ok) this.errors++
    this.latencies[this.samples++ % LATENCY_WINDOW] = latencyMs
  }

  snapshot (id: string, name: string, engine: CacheStats, replication: ReplicationStats, replicationFactor: number): NodeStats {
    const window = this.latencies.slice(0, Math.min(this.samples, LATENCY_WINDOW)).sort()
    const at = (q: number): number => window.length === 0 ? 0 : window[Math.min(window.length - 1, Math.floor(q * window.length))] as number
    const now = this.clock.now()
    return {
      id,
      name,
      time: now,
      uptimeMs: now - this.startedAt,
      engine,
      requests: { ...this.requests },
      errors: this.errors,
      forwarded: this.forwarded,
      replicationFactor,
      replication,
      latency: { p50Ms: at(0.5), p99Ms: at(0.99) },
      cpu: this.cpuTime()
    }
  }
}

/** A member's CPU time in ms (user + system), if it reports it. */
export function cpuMsOf (stats: NodeStats): number | undefined {
  return stats.cpu === undefined ? undefined : stats.cpu.userMs + stats.cpu.systemMs
}
