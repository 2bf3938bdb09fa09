import type { Consistency } from './quorum.js'

/** Replication's counters on one member, as `dcache stats` and the dashboard show them. */
export interface ReplicationStats {
  /** Client requests this member coordinated, by level and kind (each key of a multi-key request counts once). */
  coordinated: Record<Consistency, { read: number, write: number }>
  /** Replica legs this member served for coordinators (itself included). */
  replicaReads: number
  replicaWrites: number
  quorumFailures: number
  readRepairs: number
  readRepairsFailed: number
  /** Concurrent versions cut by last-writer-wins, or siblings dropped over the cap. */
  conflicts: number
  hints: { pending: number, delivered: number, dropped: number }
  tombstones: number
}

export class ReplicationCounters {
  private readonly byLevel: ReplicationStats['coordinated'] = { one: { read: 0, write: 0 }, quorum: { read: 0, write: 0 }, all: { read: 0, write: 0 } }
  replicaReads = 0
  replicaWrites = 0
  quorumFailures = 0
  readRepairs = 0
  readRepairsFailed = 0
  conflicts = 0

  coordinated (level: Consistency, kind: 'read' | 'write', keys: number): void {
    this.byLevel[level][kind] += keys
  }

  snapshot (hints: ReplicationStats['hints'], tombstones: number): ReplicationStats {
    return {
      coordinated: { one: { ...this.byLevel.one }, quorum: { ...this.byLevel.quorum }, all: { ...this.byLevel.all } },
      replicaReads: this.replicaReads,
      replicaWrites: this.replicaWrites,
      quorumFailures: this.quorumFailures,
      readRepairs: this.readRepairs,
      readRepairsFailed: this.readRepairsFailed,
      conflicts: this.conflicts,
      hints,
      tombstones
    }
  }
}
