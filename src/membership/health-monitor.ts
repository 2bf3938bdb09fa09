import type { NodeId } from '../net/transport.js'
import { MEMBER_EVENTS, type MemberEvent, type MembershipEvents, type ProbeEvent, type Unsubscribe } from './events.js'
import type { Member, MemberState } from './member-table.js'

/** What this node has seen of one member's health, for `dcache node list` and the dashboard. */
export interface MemberHealth {
  id: NodeId
  state: MemberState
  /** Clock time of the last ack to one of our probes. */
  lastAckAt: number | undefined
  /** Round trip of our last successful probe. */
  lastRttMs: number | undefined
  /** Probes of it that got no ack. */
  failedProbes: number
  /** Times it came back to alive after being suspected or declared dead. */
  flaps: number
  /** Clock time of its last state change. */
  lastChangeAt: number
}

/** A Swim, as the monitor sees it. */
export interface MembershipSource {
  members(): Member[]
  on<K extends keyof MembershipEvents>(event: K, fn: (payload: MembershipEvents[K]) => void): Unsubscribe
}

/** An observer that keeps per-member health from a Swim's events. */
export class HealthMonitor {
  private readonly health = new Map<NodeId, MemberHealth>()
  private readonly unsubscribes: Unsubscribe[]

  /** Starts from the members `source` already knows, then follows its events. */
  constructor (source: MembershipSource, now: number) {
    for (const member of source.members()) this.entry(member.id, member.state, now)
    this.unsubscribes = [
      ...MEMBER_EVENTS.map((event) => source.on(event, (e) => { this.onMemberEvent(event, e) })),
      source.on('probe:result', (e) => { this.onProbe(e) })
    ]
  }

  get (id: NodeId): MemberHealth | undefined {
    const health = this.health.get(id)
    return health === undefined ? undefined : { ...health }
  }

  list (): MemberHealth[] {
    return [...this.health.values()].map((health) => ({ ...health }))
  }

  /** Stops listening. */
  close (): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
  }

  private onMemberEvent (event: string, { member, previousState, time }: MemberEvent): void {
    // A forgotten or reaped member is gone from the table, and its health with it: the map stays as small as the table.
    if (event === 'member:forget' || event === 'member:reap') {
      this.health.delete(member.id)
      return
    }
    const health = this.entry(member.id, member.state, time)
    const cameBack = member.state === 'alive' && (previousState === 'suspect' || previousState === 'dead')
    if (cameBack) health.flaps++
    if (previousState !== member.state) health.lastChangeAt = time
    health.state = member.state
  }

  private onProbe ({ target, ok, rttMs, time }: ProbeEvent): void {
    const health = this.health.get(target)
    if (health === undefined) return
    if (ok) {
      health.lastAckAt = time
      health.lastRttMs = rttMs
    } else {
      health.failedProbes++
    }
  }

  private entry (id: NodeId, state: MemberState, time: number): MemberHealth {
    let health = this.health.get(id)
    if (health === undefined) {
      health = { id, state, lastAckAt: undefined, lastRttMs: undefined, failedProbes: 0, flaps: 0, lastChangeAt: time }
      this.health.set(id, health)
    }
    return health
  }
}
