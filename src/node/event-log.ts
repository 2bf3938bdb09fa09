import type { Clock } from '../common/clock.js'
import type { Member, MemberEvent, MemberEventName } from '../membership/index.js'
import { shortId } from '../common/short-id.js'

/** How many events a node keeps for `dcache events` and the dashboard. */
const EVENT_LOG_SIZE = 1000

export interface NodeEvent {
  /** Increasing per node; ask for events `since` the last one seen. */
  seq: number
  /** Clock time on the node that logged it (members log the same transition at about the same time). */
  time: number
  /** `member:join`, `member:suspect`, ..., `ring:change`, or `error` / `left` for this node's own notes. */
  kind: string
  member?: { id: string, name: string, incarnation: number, state: string }
  message: string
  /** Facts of the event as numbers and names (a ring change's shares and members), for --json and the node's log. */
  details?: Record<string, string | number | string[]>
}

/** Which events to return: those after seq `since` on this node. */
export interface EventQuery {
  since?: number
}

/** What a member event says happened, after the member's name and id. */
const WHAT_HAPPENED: Record<MemberEventName, (m: Member) => string> = {
  'member:join': () => 'joined',
  'member:alive': () => 'is alive again',
  'member:suspect': () => 'is suspect',
  'member:dead': () => 'is dead',
  'member:left': () => 'has left',
  'member:update': () => 'updated its details',
  'member:forget': () => 'was forgotten',
  'member:reap': (m) => `was reaped, ${m.state} for too long`
}

/** A bounded, sequenced log of member events, ring changes and notable node happenings; each also goes to `onRecord` (the node's log). */
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

  fromMember (event: MemberEventName, e: MemberEvent): void {
    const m = e.member
    const from = e.previousState === undefined || event === 'member:forget' || event === 'member:reap' ? '' : ` (was ${e.previousState})`
    this.record(event, `${label(m)} ${WHAT_HAPPENED[event](m)}${from}, incarnation ${m.incarnation}`, memberOf(m), e.time)
  }


  /** Events matching `query`, oldest first. */
  query ({ since = 0 }: EventQuery): NodeEvent[] {
    return this.events.filter((e) => e.seq > since)
  }
}

function label (m: Member): string {
  return `${m.name} ${shortId(m.id)}`
}

function memberOf (m: Member): NodeEvent['member'] {
  return { id: m.id, name: m.name, incarnation: m.incarnation, state: m.state }
}
