import type { ClusterInfo, MemberView } from '../node/protocol.js'
import type { NodeStats } from '../node/stats.js'
import { formatMs } from '../tui/format.js'

/** One member as `dcache status` shows it: the answering member's view of it, and its own statistics if it answered. */
export interface MemberStatus {
  id: string
  name: string
  state: MemberView['state']
  address: string | undefined
  /** Share of the ring it owns, 0..1 (0 once it left the ring). */
  ownership: number
  /** Round trip of the answering member's last probe of it, ms. */
  rttMs: number | undefined
  /** Undefined when the member did not answer (dead, left, or too slow). */
  load?: { keys: number, memoryUsedBytes: number, memoryBudgetBytes: number, hintsPending: number }
}

export interface ClusterStatus {
  /** The member that answered. */
  self: string
  /** Replicas per key as configured (N) and as the ring allows now. */
  replicationFactor: number
  replicasPerKey: number
  members: MemberStatus[]
}

/** Joins `node list`'s view (cluster info) with `dcache stats`' figures (every live member's statistics), by member id. */
export function clusterStatus (info: ClusterInfo, stats: NodeStats[]): ClusterStatus {
  const byId = new Map(stats.map((s) => [s.id, s]))
  const members = info.members.map((m): MemberStatus => {
    const s = byId.get(m.id)
    return {
      id: m.id,
      name: m.name,
      state: m.state,
      address: m.addresses[0],
      ownership: m.ownership,
      rttMs: m.rttMs,
      load: s === undefined
        ? undefined
        : { keys: s.engine.keys, memoryUsedBytes: s.engine.memoryUsedBytes, memoryBudgetBytes: s.engine.maxMemoryBytes, hintsPending: s.replication.hints.pending }
    }
  }).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  return { self: info.self, replicationFactor: info.replicationFactor, replicasPerKey: Math.min(info.replicationFactor, info.ring.nodes.length), members }
}

/** Bytes as MiB with one decimal, as `dcache stats` shows memory. */
export function formatMb (bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}

/**
 * A round trip as measured, without false precision (see formatMs); 0 is `<1 ms`, since the system clock counts
 * whole milliseconds.
 */
export function formatRtt (ms: number | undefined): string {
  return ms === 0 ? '<1 ms' : formatMs(ms)
}
