import { HashRing } from '../../src/ring/index.js'
import type { ClusterInfo, MemberView } from '../../src/node/protocol.js'
import type { NodeEvent } from '../../src/node/event-log.js'
import type { NodeStats } from '../../src/node/stats.js'
import type { CacheStats } from '../../src/store/index.js'
import type { ReplicationStats } from '../../src/replication/index.js'
import type { DashboardSource } from '../../src/tui/index.js'

/** A node id shaped like a libp2p one, so short ids look real. */
export function nodeId (name: string): string {
  return `12D3KooW${'x'.repeat(24)}${name.replace(/\W/g, '').padStart(8, 'x')}`
}

export function engineStats (over: Partial<CacheStats> = {}): CacheStats {
  return {
    hits: 0, misses: 0, hitRatio: 0, sets: 0, deletes: 0, evictions: 0, evictionsByPolicy: {}, expirations: 0, keys: 0,
    memoryUsedBytes: 0, maxMemoryBytes: 1024 ** 3, evictionPolicy: 'lru', compressedValues: 0, compressionRatio: 1, tombstones: 0, tombstonesPurged: 0,
    operations: { get: 0, put: 0, delete: 0, exists: 0, clear: 0, getMultiple: 0, putMultiple: 0, increment: 0, decrement: 0, getAndSet: 0, touch: 0, getTtl: 0, getEntry: 0, putEntry: 0 },
    ...over
  }
}

export function nodeStats (name: string, time: number, over: Partial<NodeStats> = {}): NodeStats {
  return {
    id: nodeId(name), name, time, uptimeMs: time, engine: engineStats(), requests: {}, errors: 0, forwarded: 0, latency: { p50Ms: 0, p99Ms: 0 },
    cpu: { userMs: 0, systemMs: 0 }, replicationFactor: 3, replication: replicationStats(), ...over
  }
}

export function replicationStats (over: Partial<ReplicationStats> = {}): ReplicationStats {
  return {
    coordinated: { one: { read: 0, write: 0 }, quorum: { read: 0, write: 0 }, all: { read: 0, write: 0 } },
    replicaReads: 0, replicaWrites: 0, quorumFailures: 0, readRepairs: 0, readRepairsFailed: 0, conflicts: 0,
    hints: { pending: 0, delivered: 0, dropped: 0 }, tombstones: 0, ...over
  }
}

export function member (name: string, over: Partial<MemberView> = {}): MemberView {
  return { id: nodeId(name), name, addresses: [`/ip4/127.0.0.1/tcp/7700/p2p/${nodeId(name)}`], state: 'alive', incarnation: 1, vnodes: 150, ownership: 0, rttMs: 0.4, ...over }
}

export function clusterInfo (members: MemberView[], self = members[0]?.id ?? ''): ClusterInfo {
  const ring = new HashRing()
  // as on a node: a dead member keeps its ranges, one that left is out of the ring
  for (const m of members) if (m.state !== 'left') ring.addNode(m.id, m.vnodes)
  const shares = ring.ownership()
  return { self, members: members.map((m) => ({ ...m, ownership: shares.get(m.id) ?? 0 })), ring: ring.toJSON(), replicationFactor: 3 }
}

/**
 * A cluster that tests change between polls: members and their states, per-node counters, events, values.
 * Counters are cumulative like a node's; `time` moves only when the test says so.
 */
export class FakeSource implements DashboardSource {
  members: MemberView[] = []
  contactNode = ''
  time = 1_000_000
  failWith?: Error
  readonly stats = new Map<string, NodeStats>()
  readonly events: NodeEvent[] = []
  readonly values = new Map<string, unknown>()
  readonly eventRequests: number[] = []

  addMember (name: string, over: Partial<MemberView> = {}): void {
    this.members.push(member(name, over))
    this.stats.set(name, nodeStats(name, this.time))
    if (this.contactNode === '') this.contactNode = nodeId(name)
    this.event('member:join', name)
  }

  setState (name: string, state: MemberView['state'], incarnation?: number): void {
    const m = this.members.find((x) => x.name === name) as MemberView
    m.state = state
    if (incarnation !== undefined) m.incarnation = incarnation
    if (state !== 'alive') this.stats.delete(name)
    this.event(`member:${state}`, name)
  }

  /** Counts requests on a node, as its NodeStatsRecorder would. */
  record (name: string, op: keyof NodeStats['requests'], count: number, engine: Partial<CacheStats> = {}): void {
    const s = this.stats.get(name) as NodeStats
    s.requests[op] = (s.requests[op] ?? 0) + count
    s.engine = { ...s.engine, ...engine }
  }

  tick (ms: number): void {
    this.time += ms
  }

  event (kind: string, name: string, message = `${name} is ${kind.split(':')[1] ?? kind}`): void {
    const m = this.members.find((x) => x.name === name)
    this.events.push({ seq: this.events.length + 1, time: this.time, kind, message, member: m && { id: m.id, name, incarnation: m.incarnation, state: m.state } })
  }

  async getClusterInfo (): Promise<ClusterInfo> {
    if (this.failWith !== undefined) throw this.failWith
    return clusterInfo(this.members.map((m) => ({ ...m })), this.contactNode)
  }

  async getStatistics (): Promise<NodeStats[]> {
    if (this.failWith !== undefined) throw this.failWith
    return [...this.stats.values()].map((s) => structuredClone({ ...s, time: this.time }))
  }

  async getEvents (since = 0): Promise<NodeEvent[]> {
    if (this.failWith !== undefined) throw this.failWith
    this.eventRequests.push(since)
    return this.events.filter((e) => e.seq > since)
  }

  async get (key: string): Promise<unknown> {
    return this.values.get(key)
  }
}
