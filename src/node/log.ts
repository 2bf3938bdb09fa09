/**
 * What a node tells its operator beyond single requests: each event of its event log (member changes, ring changes,
 * its own notes) as a log line, and summaries of hinted handoff. The event log is the one source: `dcache events`
 * and the log show the same events.
 */
import type { Clock, TimerId } from '../common/clock.js'
import type { Log, LogLevel } from '../common/log.js'
import type { NodeId } from '../net/transport.js'
import type { HintStore } from '../replication/index.js'
import { RING_SIZE, type HashRing, type RingSnapshot } from '../ring/index.js'
import type { EventLog, NodeEvent } from './event-log.js'

/** How often hinted handoff is summed up in the log, when anything changed. */
const HINT_REPORT_INTERVAL_MS = 10_000

/** Level of each event kind; every other kind is info. */
const EVENT_LEVELS: Partial<Record<string, LogLevel>> = { 'member:suspect': 'warn', 'member:dead': 'warn', error: 'error' }

/** One event of the event log as one log line. */
export function logNodeEvent (log: Log, event: NodeEvent): void {
  const level = EVENT_LEVELS[event.kind] ?? 'info'
  if (!log.enabled(level)) return
  const m = event.member
  const member = m === undefined ? {} : { member: m.id, name: m.name, state: m.state, incarnation: m.incarnation }
  log.write(level, event.kind, event.message, { ...member, ...event.details })
}

export interface NodeReportsComponents {
  clock: Clock
  log: Log
  events: EventLog
  ring: HashRing
  hints: HintStore
  self: NodeId
  /** Copies per key the config asks for (the ring may hold fewer members). */
  replicationFactor: number
  nameOf: (id: NodeId) => string
}

/**
 * Ring changes into the event log, one per burst of member events (a joining member learns the whole table at once),
 * with the share of the key space this member holds copies of before and after; and a summary of hints every
 * HINT_REPORT_INTERVAL_MS.
 */
export class NodeReports {
  private ringBefore: RingSnapshot | undefined
  private ringTimer: TimerId | undefined
  private hintTimer: TimerId | undefined
  /** Share of the key space this member is a replica of, as of the last ring change (alone on its ring: all). */
  private share = 1
  private hintsReported = { pending: 0, delivered: 0, dropped: 0 }
  private copiesDropped = 0
  private readonly burstNames = new Map<NodeId, string>()

  constructor (private readonly components: NodeReportsComponents) {}

  start (): void {
    this.scheduleHintReport()
  }

  stop (): void {
    const { clock } = this.components
    if (this.ringTimer !== undefined) clock.clearTimeout(this.ringTimer)
    if (this.hintTimer !== undefined) clock.clearTimeout(this.hintTimer)
    this.ringTimer = this.hintTimer = undefined
  }

  /**
   * Call before a member event may change the ring; the burst's changes are reported once it is over, naming the
   * members by the names their events carried (a forgotten member is no longer in the table to ask).
   */
  ringMayChange (member: { id: NodeId, name: string }): void {
    this.burstNames.set(member.id, member.name)
    if (this.ringBefore !== undefined) return
    this.ringBefore = this.components.ring.toJSON()
    this.ringTimer = this.components.clock.setTimeout(() => { this.reportRingChange() }, 0)
  }

  /** A copy this member held as a fallback went away once its hint was delivered. */
  copyDropped (): void {
    this.copiesDropped++
  }

  reportRingChange (): void {
    const { ring, events } = this.components
    const snapshot = this.ringBefore
    const names = new Map(this.burstNames)
    const nameOf = (id: NodeId): string => names.get(id) ?? this.components.nameOf(id)
    this.ringBefore = this.ringTimer = undefined
    this.burstNames.clear()
    if (snapshot === undefined) return
    const vnodesBefore = new Map(snapshot.nodes.map((n) => [n.id, n.vnodes]))
    const after = ring.toJSON().nodes
    const added = after.filter((n) => !vnodesBefore.has(n.id)).map((n) => nameOf(n.id))
    const changed = after.filter((n) => vnodesBefore.has(n.id) && vnodesBefore.get(n.id) !== n.vnodes).map((n) => nameOf(n.id))
    const removed = snapshot.nodes.filter((n) => !ring.hasNode(n.id)).map((n) => nameOf(n.id))
    if (added.length + changed.length + removed.length === 0) return
    const previous = this.share
    this.share = this.replicaShare()
    const who = [...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`), ...changed.map((n) => `~${n} (vnodes)`)].join(', ')
    events.record('ring:change', `ring changed (${who}): ${after.length} members; this member holds copies of ${percent(this.share)} of the key space (was ${percent(previous)})`,
      undefined, undefined, { members: after.length, share: round(this.share), previousShare: round(previous), added, removed })
  }

  /**
   * Share of the key space whose preference list holds this member: one pass over the ring's tokens (a diff of the
   * two rings cost tens of ms per change, too much for a process running many members while they join).
   */
  private replicaShare (): number {
    const { ring, self, replicationFactor } = this.components
    const tokens = ring.tokenList()
    let held = 0
    tokens.forEach(({ position }, k) => {
      const previous = k === 0 ? (tokens[tokens.length - 1] as { position: number }).position - RING_SIZE : (tokens[k - 1] as { position: number }).position
      if (ring.preferenceListAt(position, replicationFactor).includes(self)) held += position - previous
    })
    return held / RING_SIZE
  }

  /** One line when hints were stored, delivered or dropped since the last one. */
  reportHints (): void {
    const { hints, log, nameOf } = this.components
    const last = this.hintsReported
    const now = { pending: hints.pending, delivered: hints.delivered, dropped: hints.dropped }
    if (now.pending === last.pending && now.delivered === last.delivered && now.dropped === last.dropped && this.copiesDropped === 0) return
    const targets = hints.targets().map(nameOf)
    const delivered = now.delivered - last.delivered
    const dropped = now.dropped - last.dropped
    log.write('info', 'hints', `hints: ${now.pending} pending${targets.length > 0 ? ` for ${targets.join(', ')}` : ''}; ` +
      `${delivered} delivered and ${dropped} dropped since the last report; ${this.copiesDropped} fallback copies dropped after delivery`,
    { pending: now.pending, delivered, dropped, copiesDropped: this.copiesDropped, targets })
    this.hintsReported = now
    this.copiesDropped = 0
  }

  private scheduleHintReport (): void {
    this.hintTimer = this.components.clock.setTimeout(() => {
      this.reportHints()
      this.scheduleHintReport()
    }, HINT_REPORT_INTERVAL_MS)
  }
}

function percent (share: number): string {
  return `${(share * 100).toFixed(1)}%`
}

function round (share: number): number {
  return Math.round(share * 10_000) / 10_000
}
