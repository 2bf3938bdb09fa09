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

/** A bounded, sequenced log of member events, ring changes and notable node happenings. */
export class EventLog {
  private readonly events: NodeEvent[] = []
  private seq = 0

  constructor (private readonly clock: Clock) {}

  record (kind: string, message: string, member?: NodeEvent['member'], time = this.clock.now()): void {
    this.events.push({ seq: ++this.seq, time, kind, member, message })
    if (this.events.length > EVENT_LOG_SIZE) this.events.shift()
  }

  fromMember (event: MemberEventName, e: MemberEvent): void {
    const m = e.member
    const from = e.previousState === undefined || event === 'member:forget' || event === 'member:reap' ? '' : ` (was ${e.previousState})`
    this.record(event, `${label(m)} ${WHAT_HAPPENED[event](m)}${from}, incarnation ${m.incarnation}`, memberOf(m), e.time)
  }

  /**
   * A change of the ring caused by a member event: logged after that event (same time, next seq), so a reader sees
   * the join before the ring change it caused.
   */
  ringChange (m: Member, change: 'added' | 'removed', members: number, time: number): void {
    const what = change === 'added' ? 'takes its ranges in the ring' : 'is out of the ring'
    this.record('ring:change', `${label(m)} ${what}; ${members} member${members === 1 ? '' : 's'} in the ring`, memberOf(m), time)
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
