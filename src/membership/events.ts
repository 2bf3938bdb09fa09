import type { NodeId } from '../net/transport.js'
import type { Member, MemberState } from './member-table.js'

/** One membership transition, as seen by this node. */
export interface MemberEvent {
  member: Member
  /** State before the transition; undefined when the member was unknown. */
  previousState: MemberState | undefined
  /** Clock time of the transition. */
  time: number
}

/** The outcome of one probe this node ran. */
export interface ProbeEvent {
  target: NodeId
  /** The target answered, directly or through a ping-req. */
  ok: boolean
  /** The answer came only through another member. */
  indirect: boolean
  /** From sending the ping to the ack; undefined when no ack came. */
  rttMs: number | undefined
  time: number
}

/**
 * Each transition fires exactly one member event:
 * - `member:join`    unknown, dead or left -> alive (the member enters this node's view; the ring adds it)
 * - `member:alive`   suspect -> alive (a refuted suspicion; the member never left the ring)
 * - `member:suspect` alive -> suspect
 * - `member:dead`    alive or suspect -> dead (the ring removes it)
 * - `member:left`    any -> left, a graceful leave (the ring removes it)
 * - `member:update`  alive -> alive with a newer incarnation and changed name, addresses or meta
 * - `member:forget`  dead or left -> gone from the table, by an operator's `forget` here or elsewhere (the ring
 *                    removes it); `member` is its last record
 * - `member:reap`    dead or left for reapAfterMs -> gone from the table (the ring removes it)
 */
export interface MembershipEvents {
  'member:join': MemberEvent
  'member:alive': MemberEvent
  'member:suspect': MemberEvent
  'member:dead': MemberEvent
  'member:left': MemberEvent
  'member:update': MemberEvent
  'member:forget': MemberEvent
  'member:reap': MemberEvent
  'probe:result': ProbeEvent
}

/** Every event about a member's transitions (all but probe results). */
export type MemberEventName = Exclude<keyof MembershipEvents, 'probe:result'>

export const MEMBER_EVENTS: readonly MemberEventName[] = ['member:join', 'member:alive', 'member:suspect', 'member:dead', 'member:left', 'member:update', 'member:forget', 'member:reap']

export type Unsubscribe = () => void

/** A small typed emitter: `on()` returns its own unsubscribe; a throwing listener does not stop the others. */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>()

  on<K extends keyof Events> (event: K, fn: (payload: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(event)
    if (set === undefined) this.listeners.set(event, set = new Set())
    set.add(fn)
    return () => { set.delete(fn) }
  }

  /** Calls every listener of `event`; returns the errors listeners threw, for the caller to log. */
  emit<K extends keyof Events> (event: K, payload: Events[K]): unknown[] {
    const errors: unknown[] = []
    for (const fn of [...this.listeners.get(event) ?? []]) {
      try {
        (fn as (payload: Events[K]) => void)(payload)
      } catch (err) {
        errors.push(err)
      }
    }
    return errors
  }
}
