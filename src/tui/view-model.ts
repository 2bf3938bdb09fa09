import { HashRing, RING_SIZE, type Balance } from '../ring/index.js'
import { Placement } from '../node/placement.js'
import type { CacheOp, ClusterInfo, MemberView } from '../node/protocol.js'
import type { NodeEvent } from '../node/event-log.js'
import type { NodeStats } from '../node/stats.js'
import type { MemberChange } from './format.js'
import { shortId } from '../common/short-id.js'
import { withPeerId } from '../net/transport.js'

/** What the dashboard reads; `DistributedCache` satisfies it, and tests pass a fake. */
export interface DashboardSource {
  getClusterInfo(): Promise<ClusterInfo>
  getStatistics(): Promise<NodeStats[]>
  getEvents(since?: number): Promise<NodeEvent[]>
  get(key: string): Promise<unknown>
  /** The member cluster-wide calls go to; it changes when the client falls back to another member. */
  readonly contactNode: string
}

/** One round of calls: whatever answered, the contact node before and after, and the first failure. */
export interface PollResult {
  /** Clock time of the poll. */
  at: number
  /** Contact node when the poll started (the one `eventsSince` was computed for) and after it. */
  contactBefore: string
  contactAfter: string
  info?: ClusterInfo
  stats?: NodeStats[]
  events?: NodeEvent[]
  error?: string
}

export type MemberState = MemberView['state']

export const STATE_COLORS: Record<MemberState, string> = { alive: 'green', suspect: 'yellow', dead: 'red', left: 'gray' }
const STATE_ORDER: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2, left: 3 }

/** Samples of the charts: one per poll, 3 minutes at the default 1 s refresh. */
export const HISTORY_POINTS = 180
/** Log lines kept (newest first). */
export const LOG_LINES = 200
/** How long a "now reading from another member" banner stays up. */
export const SWITCH_BANNER_MS = 10_000

/** Requests that read and that write, for the throughput chart (client requests, each counted once). */
const READ_OPS: readonly CacheOp[] = ['get', 'mget', 'exists', 'ttl']
const WRITE_OPS: readonly CacheOp[] = ['put', 'mput', 'delete', 'incr', 'getset', 'touch', 'clear']

export interface MemberRow {
  id: string
  name: string
  shortId: string
  state: MemberState
  incarnation: number
  rttMs?: number
  /** Undefined when the member sent no statistics (dead, or not reachable). */
  keys?: number
  memoryUsed?: number
  memoryLimit?: number
  opsPerSec?: number
  hitRatio?: number
  isContact: boolean
}

export const SORT_COLUMNS = ['name', 'state', 'keys', 'memory', 'ops', 'hit'] as const
export type SortColumn = typeof SORT_COLUMNS[number]

export interface SeriesPoint {
  time: number
  getsPerSec: number
  setsPerSec: number
  errorsPerSec: number
  /** Of the slowest node. */
  p50Ms: number
  p99Ms: number
}

export interface Totals {
  keys: number
  memoryUsed: number
  memoryLimit: number
  hitRatio?: number
  opsPerSec: number
  evictionsPerSec: number
  expirationsPerSec: number
  /** Hints fallbacks hold for members that are down, and read repairs per second, over every member. */
  hintsPending: number
  repairsPerSec: number
  states: Record<MemberState, number>
}

export interface RingNode {
  id: string
  name: string
  /** A letter that stands for the node in the ring strip. */
  glyph: string
  color: string
  vnodes: number
  share: number
}

export interface RingView {
  nodes: RingNode[]
  balance: Balance
  /** Index into `nodes` of the owner of each of `width` equal arcs of the ring (sampled at the arc's middle). */
  strip(width: number): number[]
}

export interface LogLine {
  time: number
  level: 'info' | 'warn' | 'error'
  /** The whole line, as the node logged it. */
  text: string
  /** For a member event: the change, which the view abbreviates to fit (`node-3 alive→suspect`). */
  change?: MemberChange
}

export interface Banner {
  level: 'warn' | 'error'
  text: string
}

export interface KeyMember {
  id: string
  name: string
  state?: MemberState
}

export interface KeyInspection {
  key: string
  position: number
  /** position / RING_SIZE. */
  fraction: number
  /** Copies per key now: the cluster's N, or every member while the ring has fewer. */
  n: number
  /** The first N members clockwise from the key (its preference list), owner first, whatever their state. */
  preferenceList: KeyMember[]
  /**
   * The members a coordinator writes the key to now, as the contact node sees the cluster: the live members of the
   * preference list, then for each one that is down the next live member along the ring, holding a hint for it.
   */
  replicas: Array<KeyMember & { standsInFor?: KeyMember }>
}

/** The state a member event always comes from (see membership/events.ts); the others depend on the member. */
const IMPLIED_PREVIOUS_STATE: Record<string, string | undefined> = { 'member:alive': 'suspect', 'member:suspect': 'alive' }

const RING_COLORS = ['cyan', 'magenta', 'blue', 'white', 'yellow', 'green', 'red']

/**
 * Everything the dashboard shows, derived from successive polls: member rows, rates from cumulative counters,
 * chart history, the ring, and the event log. Pure: time comes in with each poll.
 */
export class DashboardModel {
  sortColumn: SortColumn = 'name'
  sortDescending = false
  info?: ClusterInfo
  stats: NodeStats[] = []
  readonly history: SeriesPoint[] = []
  readonly log: LogLine[] = []
  contact = ''
  lastPollAt = 0
  /** The snapshot each node's rates are measured from: its previous one with an older time. */
  private readonly baselines = new Map<string, NodeStats>()
  private nodeRates = new Map<string, { opsPerSec: number }>()
  private evictionsPerSec = 0
  private expirationsPerSec = 0
  private repairsPerSec = 0
  private pollError?: string
  private switchBanner?: { text: string, until: number }
  private events = { contact: '', seq: 0, newestTime: 0 }
  private shownTransitions = new Set<string>()
  /** Each member's state in the newest event shown about it, to tell the state it changed from. */
  private lastStates = new Map<string, string>()
  private ringCache?: { key: string, ring: HashRing }

  /** The `since` to ask the contact node for. */
  eventsSince (contact: string): number {
    return contact === this.events.contact ? this.events.seq : 0
  }

  apply (poll: PollResult): void {
    this.lastPollAt = poll.at
    if (this.contact !== '' && poll.contactAfter !== this.contact) this.noteContactSwitch(this.contact, poll.contactAfter, poll.at)
    this.contact = poll.contactAfter
    if (poll.info !== undefined) this.info = poll.info
    if (poll.stats !== undefined) this.applyStats(poll.stats, poll.at)
    if (poll.events !== undefined) this.applyEvents(poll.events, poll.contactBefore, poll.contactAfter)
    if (poll.error !== undefined && this.pollError === undefined) this.addLog(poll.at, 'error', `poll failed: ${poll.error}`)
    if (poll.error === undefined && this.pollError !== undefined) this.addLog(poll.at, 'info', 'cluster reachable again')
    this.pollError = poll.error
  }

  /** The banner to show at `now`: a failing poll, or a recent switch of contact node. */
  banner (now: number): Banner | undefined {
    if (this.pollError !== undefined) return { level: 'error', text: `cannot reach the cluster: ${this.pollError}; retrying` }
    if (this.switchBanner !== undefined && now < this.switchBanner.until) return { level: 'warn', text: this.switchBanner.text }
    return undefined
  }

  get rows (): MemberRow[] {
    const byId = new Map(this.stats.map((s) => [s.id, s]))
    const members: Array<Pick<MemberView, 'id' | 'name' | 'state' | 'incarnation' | 'rttMs'>> =
      this.info?.members ?? this.stats.map((s) => ({ id: s.id, name: s.name, state: 'alive' as const, incarnation: 0 }))
    const rows = members.map((m): MemberRow => {
      const s = byId.get(m.id)
      const reads = s === undefined ? 0 : s.engine.hits + s.engine.misses
      return {
        id: m.id,
        name: m.name,
        shortId: shortId(m.id),
        state: m.state,
        incarnation: m.incarnation,
        rttMs: m.rttMs,
        keys: s?.engine.keys,
        memoryUsed: s?.engine.memoryUsedBytes,
        memoryLimit: s?.engine.maxMemoryBytes,
        opsPerSec: s === undefined ? undefined : this.nodeRates.get(m.id)?.opsPerSec,
        hitRatio: s === undefined || reads === 0 ? undefined : s.engine.hits / reads,
        isContact: m.id === this.contact
      }
    })
    return rows.sort((a, b) => {
      const order = compareRows(a, b, this.sortColumn) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
      return this.sortDescending ? -order : order
    })
  }

  /** Moves the sort to the next column (ascending), or flips the direction when `column` is the current one. */
  sortBy (column: SortColumn): void {
    if (column === this.sortColumn) this.sortDescending = !this.sortDescending
    else {
      this.sortColumn = column
      this.sortDescending = false
    }
  }

  cycleSort (): void {
    this.sortBy(SORT_COLUMNS[(SORT_COLUMNS.indexOf(this.sortColumn) + 1) % SORT_COLUMNS.length] as SortColumn)
  }

  get totals (): Totals {
    const sum = (f: (s: NodeStats) => number): number => this.stats.reduce((a, s) => a + f(s), 0)
    const hits = sum((s) => s.engine.hits)
    const reads = hits + sum((s) => s.engine.misses)
    const states: Record<MemberState, number> = { alive: 0, suspect: 0, dead: 0, left: 0 }
    for (const m of this.info?.members ?? []) states[m.state]++
    return {
      keys: sum((s) => s.engine.keys),
      memoryUsed: sum((s) => s.engine.memoryUsedBytes),
      memoryLimit: sum((s) => s.engine.maxMemoryBytes),
      hitRatio: reads === 0 ? undefined : hits / reads,
      opsPerSec: [...this.nodeRates.values()].reduce((a, r) => a + r.opsPerSec, 0),
      evictionsPerSec: this.evictionsPerSec,
      expirationsPerSec: this.expirationsPerSec,
      hintsPending: sum((s) => s.replication.hints.pending),
      repairsPerSec: this.repairsPerSec,
      states
    }
  }

  get ring (): RingView | undefined {
    const ring = this.hashRing()
    if (ring === undefined) return undefined
    const shares = ring.ownership()
    const names = new Map((this.info?.members ?? []).map((m) => [m.id, m.name]))
    const ids = ring.nodes()
    const nodes = ids.map((id, i): RingNode => ({
      id,
      name: names.get(id) ?? shortId(id),
      glyph: String.fromCharCode(65 + (i % 26)),
      color: RING_COLORS[i % RING_COLORS.length] as string,
      vnodes: ring.tokens(id).length,
      share: shares.get(id) ?? 0
    }))
    const index = new Map(ids.map((id, i) => [id, i]))
    return {
      nodes,
      balance: ring.balance(),
      strip: (width) => ring.ownerStrip(width).map((owner) => owner === undefined ? -1 : index.get(owner) as number)
    }
  }

  /** The contact node's first address (with its /p2p/ id), once a poll told it. */
  get contactAddress (): string | undefined {
    const self = this.info?.members.find((m) => m.id === this.info?.self)
    const address = self?.addresses[0]
    if (self === undefined || address === undefined) return undefined
    return withPeerId(address, self.id)
  }

  /**
   * Where `key` hashes, its preference list, and the replicas a coordinator uses for it now: the same placement as
   * the nodes' (src/node/placement.ts), over the contact node's ring and member states.
   */
  inspectKey (key: string): KeyInspection | undefined {
    const ring = this.hashRing()
    if (ring === undefined || this.info === undefined) return undefined
    const members = new Map(this.info.members.map((m) => [m.id, m]))
    const describe = (id: string): KeyMember => ({ id, name: members.get(id)?.name ?? shortId(id), state: members.get(id)?.state })
    const placement = new Placement(ring, this.info.self, this.info.replicationFactor, (id) => members.get(id)?.state === 'alive')
    const position = ring.position(key)
    return {
      key,
      position,
      fraction: position / RING_SIZE,
      n: placement.n,
      preferenceList: placement.primaries(key).map(describe),
      replicas: placement.targets(key).map((t) => ({ ...describe(t.replica), standsInFor: t.hintFor === undefined ? undefined : describe(t.hintFor) }))
    }
  }

  private hashRing (): HashRing | undefined {
    if (this.info === undefined) return undefined
    const key = JSON.stringify(this.info.ring)
    if (this.ringCache?.key !== key) this.ringCache = { key, ring: HashRing.fromJSON(this.info.ring) }
    return this.ringCache.ring
  }

  private applyStats (stats: NodeStats[], at: number): void {
    this.stats = stats
    const point: SeriesPoint = { time: at, getsPerSec: 0, setsPerSec: 0, errorsPerSec: 0, p50Ms: 0, p99Ms: 0 }
    const rates = new Map<string, { opsPerSec: number }>()
    let evictions = 0
    let expirations = 0
    let repairs = 0
    for (const s of stats) {
      point.p50Ms = Math.max(point.p50Ms, s.latency.p50Ms)
      point.p99Ms = Math.max(point.p99Ms, s.latency.p99Ms)
      const prev = this.baselines.get(s.id)
      if (prev !== undefined && s.time <= prev.time) continue
      this.baselines.set(s.id, s)
      if (prev === undefined) continue
      const perSec = (now: number, before: number): number => counterDelta(now, before) * 1000 / (s.time - prev.time)
      const opsOf = (n: NodeStats, ops?: readonly CacheOp[]): number =>
        (ops ?? Object.keys(n.requests) as CacheOp[]).reduce((a, op) => a + (n.requests[op] ?? 0), 0)
      rates.set(s.id, { opsPerSec: perSec(opsOf(s), opsOf(prev)) })
      point.getsPerSec += perSec(opsOf(s, READ_OPS), opsOf(prev, READ_OPS))
      point.setsPerSec += perSec(opsOf(s, WRITE_OPS), opsOf(prev, WRITE_OPS))
      point.errorsPerSec += perSec(s.errors, prev.errors)
      evictions += perSec(s.engine.evictions, prev.engine.evictions)
      expirations += perSec(s.engine.expirations, prev.engine.expirations)
      repairs += perSec(s.replication.readRepairs, prev.replication.readRepairs)
    }
    // A poll that brought no newer snapshot (same node times) keeps the rates and the charts as they were.
    if (rates.size === 0) return
    this.nodeRates = rates
    this.evictionsPerSec = evictions
    this.expirationsPerSec = expirations
    this.repairsPerSec = repairs
    this.history.push(point)
    if (this.history.length > HISTORY_POINTS) this.history.shift()
  }

  private applyEvents (events: NodeEvent[], contactBefore: string, contactAfter: string): void {
    // Sequence numbers are per node: events served by another member than asked are dropped, and the next poll
    // starts that member's log from 0, keeping only what is newer than anything shown and not seen from the old
    // contact (the same transition has the same kind, member and incarnation on every node).
    if (contactBefore !== contactAfter) return
    const switched = contactAfter !== this.events.contact
    const fresh = events
      .filter((e) => !switched || (e.time > this.events.newestTime && !this.shownTransitions.has(transitionKey(e))))
      .sort((a, b) => a.time - b.time || a.seq - b.seq)
    for (const e of fresh) {
      const change = this.changeOf(e)
      this.addLog(e.time, levelOf(e.kind), e.kind.startsWith('member:') ? e.message : `${e.kind}: ${e.message}`, change)
      this.shownTransitions.add(transitionKey(e))
    }
    if (this.shownTransitions.size > LOG_LINES * 4) this.shownTransitions = new Set([...this.shownTransitions].slice(-LOG_LINES))
    this.events = {
      contact: contactAfter,
      seq: events.reduce((max, e) => Math.max(max, e.seq), switched ? 0 : this.events.seq),
      newestTime: fresh.reduce((max, e) => Math.max(max, e.time), this.events.newestTime)
    }
  }

  /** A member event as a state change, the state before taken from the previous event about the member. */
  private changeOf (e: NodeEvent): MemberChange | undefined {
    const m = e.member
    if (m === undefined || !e.kind.startsWith('member:')) return undefined
    const before = this.lastStates.get(m.id)
    this.lastStates.delete(m.id)
    this.lastStates.set(m.id, m.state)
    if (this.lastStates.size > LOG_LINES * 4) this.lastStates.delete(this.lastStates.keys().next().value as string)
    const base = { name: m.name, shortId: shortId(m.id), incarnation: m.incarnation }
    switch (e.kind) {
      case 'member:join': return before === undefined || before === 'alive' ? { ...base, to: 'joined' } : { ...base, from: before, to: m.state }
      case 'member:left': return { ...base, to: 'left' }
      case 'member:update': return { ...base, to: 'updated' }
      default: return { ...base, from: before ?? IMPLIED_PREVIOUS_STATE[e.kind], to: m.state }
    }
  }

  private noteContactSwitch (from: string, to: string, at: number): void {
    const text = `${this.nameOf(from)} stopped answering; now reading from ${this.nameOf(to)}`
    this.switchBanner = { text, until: at + SWITCH_BANNER_MS }
    this.addLog(at, 'warn', text)
  }

  private nameOf (id: string): string {
    return this.info?.members.find((m) => m.id === id)?.name ?? shortId(id)
  }

  /** Newest first: lines are inserted in time order, so the log stays sorted. */
  private addLog (time: number, level: LogLine['level'], text: string, change?: MemberChange): void {
    const at = this.log.findIndex((l) => l.time <= time)
    this.log.splice(at === -1 ? this.log.length : at, 0, change === undefined ? { time, level, text } : { time, level, text, change })
    if (this.log.length > LOG_LINES) this.log.length = LOG_LINES
  }
}


function transitionKey (e: NodeEvent): string {
  return e.member === undefined ? `${e.kind}|${e.message}` : `${e.kind}|${e.member.id}|${e.member.incarnation}`
}

function levelOf (kind: string): LogLine['level'] {
  if (kind === 'member:dead' || kind === 'error') return 'error'
  if (kind === 'member:suspect' || kind === 'member:left') return 'warn'
  return 'info'
}

/** A counter that went down belongs to a restarted node: everything it counted since is new. */
function counterDelta (now: number, before: number): number {
  return now >= before ? now - before : now
}

function compareRows (a: MemberRow, b: MemberRow, column: SortColumn): number {
  const missingLast = (x: number | undefined, y: number | undefined): number =>
    x === undefined ? (y === undefined ? 0 : 1) : y === undefined ? -1 : x - y
  switch (column) {
    case 'name': return a.name.localeCompare(b.name)
    case 'state': return STATE_ORDER[a.state] - STATE_ORDER[b.state]
    case 'keys': return missingLast(a.keys, b.keys)
    case 'memory': return missingLast(a.memoryUsed, b.memoryUsed)
    case 'ops': return missingLast(a.opsPerSec, b.opsPerSec)
    case 'hit': return missingLast(a.hitRatio, b.hitRatio)
  }
}
