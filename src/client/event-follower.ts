import { NodeUnavailableError } from '../common/errors.js'
import type { NodeId } from '../net/transport.js'
import type { NodeEvent } from '../node/event-log.js'
import { isUnreachable, type DistributedCache } from './distributed-cache.js'
import { shortId } from '../common/short-id.js'

/**
 * How far back (ms of event time) a transition already shown is remembered: another member logs the same transition
 * a little later than the member that was followed, and must not show it twice.
 */
const SHOWN_WINDOW_MS = 60_000

/** The follower changed members: `from` stopped answering, `to` is read from now on. */
export interface SourceSwitch { from: { id: NodeId, name: string }, to: { id: NodeId, name: string } }

export interface FollowPoll {
  /** New events, oldest first, none shown before. */
  events: NodeEvent[]
  switched?: SourceSwitch
}

/**
 * Follows the member event log of one member and, when that member stops answering, of another, as one stream: a
 * cursor by event time (sequence numbers are per member) picks up the new member's events newer than the last one
 * shown, and transitions already shown from the old member (same kind, member and incarnation) are not shown again.
 */
export class EventFollower {
  private source: NodeId
  private seq = 0
  /** Newest event time seen from any source. */
  private newestTime = 0
  /** Transitions shown, with their event time, for SHOWN_WINDOW_MS. */
  private readonly shown = new Map<string, number>()

  constructor (private readonly cache: DistributedCache) {
    this.source = cache.contactNode
  }

  /** The member read now. */
  get following (): NodeId {
    return this.source
  }

  /**
   * New events from the member followed; if it does not answer, from the first other live member that does.
   * Throws NodeUnavailableError naming every member asked when none answers.
   */
  async poll (): Promise<FollowPoll> {
    let events: NodeEvent[]
    try {
      events = await this.cache.getEventsOf(this.source, { since: this.seq })
    } catch (err) {
      if (!isUnreachable(err)) throw err
      return await this.switchSource(err as Error)
    }
    this.seq = lastSeq(events, this.seq)
    return { events: this.take(events) }
  }

  private async switchSource (cause: Error): Promise<FollowPoll> {
    const from = this.source
    const failures = [`${from}: ${cause.message}`]
    let candidates: Array<{ id: NodeId, name: string }> = []
    let fromName = shortId(from)
    try {
      const info = await this.cache.getClusterInfo()
      fromName = info.members.find((m) => m.id === from)?.name ?? fromName
      candidates = info.members.filter((m) => m.state === 'alive' && m.id !== from)
    } catch (err) {
      failures.push(`cluster: ${(err as Error).message}`)
    }
    for (const to of candidates) {
      try {
        // Its whole log (bounded), so the sequence cursor starts at its newest event; only the part at or after the
        // newest event time shown is new to the reader.
        const log = await this.cache.getEventsOf(to.id, { since: 0 })
        const since = this.newestTime
        this.source = to.id
        this.seq = lastSeq(log, 0)
        return { events: this.take(log.filter((e) => e.time >= since)), switched: { from: { id: from, name: fromName }, to: { id: to.id, name: to.name } } }
      } catch (err) {
        if (!isUnreachable(err)) throw err
        failures.push(`${to.name}: ${(err as Error).message}`)
      }
    }
    throw new NodeUnavailableError(`no member answered for events (${failures.join('; ')})`)
  }

  /** Keeps what was not shown yet, in time order, and moves the cursors past it. */
  private take (events: NodeEvent[]): NodeEvent[] {
    const fresh: NodeEvent[] = []
    for (const e of [...events].sort((a, b) => a.time - b.time || a.seq - b.seq)) {
      const key = transitionKey(e)
      if (this.shown.has(key)) continue
      this.shown.set(key, e.time)
      this.newestTime = Math.max(this.newestTime, e.time)
      fresh.push(e)
    }
    for (const [key, time] of this.shown) {
      if (time < this.newestTime - SHOWN_WINDOW_MS) this.shown.delete(key)
    }
    return fresh
  }
}

function lastSeq (events: NodeEvent[], floor: number): number {
  return events.reduce((max, e) => Math.max(max, e.seq), floor)
}

/** The same transition has the same kind, member, incarnation and state in every member's log. */
function transitionKey (e: NodeEvent): string {
  return e.member === undefined ? `${e.kind}|${e.time}|${e.message}` : `${e.kind}|${e.member.id}|${e.member.incarnation}|${e.member.state}`
}
