/**
 * The pure quorum core (after riak_kv_get_core): add a replica's answer, ask whether the request is decided, read
 * the answer. No timers and no network: a coordinator feeds it answers and acts on `outcome`.
 */
import type { WireError } from '../common/errors.js'
import type { ConsistencyLevel as Consistency } from '../config/index.js'
import type { NodeId } from '../net/transport.js'
import { merge, newestTs, sameWrites, type ConflictResolution, type KeyState } from './version.js'

export type { Consistency }

/** Replicas that must answer for a level, out of `n`: one, a majority, or all. */
export function requiredFor (level: Consistency, n: number): number {
  if (n <= 0) return 0
  if (level === 'one') return 1
  if (level === 'all') return n
  return Math.floor(n / 2) + 1
}

export type Outcome = 'pending' | 'ok' | 'failed'

/** A replica that did not give a usable answer, and why. */
export interface ReplicaFailure { replica: NodeId, error: WireError }

export type ReplicaAnswer = { ok: true, state: KeyState | undefined } | { ok: false, error: WireError }

/**
 * A read's answers. It is decided `ok` once `required` replicas gave usable answers and one of them found the key, or
 * every replica asked has answered: a miss from a replica that just joined must not hide the value the others hold.
 * An answer older than the session's `minTs` is not usable (that replica is behind what the caller has seen).
 */
export class ReadTally {
  private readonly answers = new Map<NodeId, ReplicaAnswer>()
  private usable = 0
  private unusable = 0
  private found = false
  private lastMerge?: { state: KeyState | undefined, discarded: number }
  /** How many answers lastMerge merged. */
  private mergedOf = -1

  constructor (readonly asked: number, readonly required: number, private readonly minTs = 0) {}

  add (from: NodeId, answer: ReplicaAnswer): void {
    if (this.answers.has(from)) return
    this.answers.set(from, answer)
    if (answer.ok && newestTs(answer.state) >= this.minTs) {
      this.usable++
      if (answer.state !== undefined) this.found = true
    } else {
      this.unusable++
    }
  }

  get answered (): number {
    return this.answers.size
  }

  get outcome (): Outcome {
    if (this.usable >= this.required && (this.found || this.answers.size === this.asked)) return 'ok'
    if (this.asked - this.unusable < this.required) return 'failed'
    if (this.answers.size === this.asked) return this.usable >= this.required ? 'ok' : 'failed'
    return 'pending'
  }

  /** How many usable answers came in (for a quorum error). */
  get acked (): number {
    return this.usable
  }

  /** Replicas that failed or were behind the session, with the reason. */
  failures (): ReplicaFailure[] {
    return [...this.answers].flatMap(([replica, a]): ReplicaFailure[] => {
      if (!a.ok) return [{ replica, error: a.error }]
      return newestTs(a.state) < this.minTs ? [{ replica, error: { code: 'STALE', message: 'behind the session' } }] : []
    })
  }

  /**
   * Every answered state merged: the newest version any replica holds. Kept until another answer comes in, as a read
   * asks twice (for its reply, then for its repair).
   */
  merged (strategy: ConflictResolution, maxSiblings: number): { state: KeyState | undefined, discarded: number } {
    if (this.mergedOf === this.answers.size && this.lastMerge !== undefined) return this.lastMerge
    const states: Array<KeyState | undefined> = []
    for (const answer of this.answers.values()) if (answer.ok) states.push(answer.state)
    const { state, discarded } = merge(states, strategy, maxSiblings)
    this.lastMerge = { state: state.length === 0 ? undefined : state, discarded }
    this.mergedOf = this.answers.size
    return this.lastMerge
  }

  /** Replicas that answered with something other than `merged`: the read repairs them. */
  stale (merged: KeyState | undefined): NodeId[] {
    return [...this.answers].flatMap(([replica, a]) => a.ok && !sameWrites(a.state, merged) ? [replica] : [])
  }
}

/** A write's acknowledgements: `ok` at `required` acks, `failed` once too many replicas refused or timed out. */
export class WriteTally {
  private readonly acks = new Set<NodeId>()
  private readonly failed = new Map<NodeId, WireError>()

  constructor (readonly asked: number, readonly required: number) {}

  ack (from: NodeId): void {
    if (!this.failed.has(from)) this.acks.add(from)
  }

  fail (from: NodeId, error: WireError): void {
    if (!this.acks.has(from)) this.failed.set(from, error)
  }

  get acked (): number {
    return this.acks.size
  }

  get outcome (): Outcome {
    if (this.acks.size >= this.required) return 'ok'
    if (this.asked - this.failed.size < this.required) return 'failed'
    return 'pending'
  }

  failures (): ReplicaFailure[] {
    return [...this.failed].map(([replica, error]) => ({ replica, error }))
  }
}
