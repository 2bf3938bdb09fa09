import type { Clock } from '../common/clock.js'
import type { MemberEvent, MembershipEvents } from '../membership/index.js'

/** How many events a node keeps for `dcache events` and the dashboard. */
const EVENT_LOG_SIZE = 1000

export interface NodeEvent {
  /** Increasing per node; ask for events `since` the last one seen. */
  seq: number
  time: number
  /** `member:join`, `member:suspect`, ... or `error` / `left` for this node's own notes. */
  kind: string
  member?: { id: string, name: string, incarnation: number, state: string }
  message: string
  /** Facts of the event as numbers and names (a ring change's shares and members), for --json and the node's log. */
  details?: Record<string, string | number | string[]>
}

/** A bounded, sequenced log of member events and notable node happenings; each also goes to `onRecord` (the node's log). */
export class EventLog {
  private readonly events: NodeEvent[] = []
  private seq = 0

  constructor (private readonly clock: Clock, private readonly onRecord: (event: NodeEvent) => void = () => {}) {}

  record (kind: string, message: string, member?: NodeEvent['member'], time = this.clock.now(), details?: NodeEvent['details']): void {
    const event: NodeEvent = { seq: ++this.seq, time, kind, member, message, ...(details === undefined ? {} : { details }) }
    this.events.push(event)
    if (this.events.length > EVENT_LOG_SIZE) this.events.shift()
    this.onRecord(event)
  }

  fromMember (event: keyof MembershipEvents, e: MemberEvent): void {
    const m = e.member
    const from = e.previousState === undefined ? '' : ` (was ${e.previousState})`
    this.record(event, `${m.name} ${m.id.slice(-8)} is ${m.state}${from}, incarnation ${m.incarnation}`,
      { id: m.id, name: m.name, incarnation: m.incarnation, state: m.state }, e.time)
  }

  /** Events with seq > `since`, oldest first. */
  since (since: number): NodeEvent[] {
    return this.events.filter((e) => e.seq > since)
  }
}
