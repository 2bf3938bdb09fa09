/**
 * Coordination of one client request over a key's replicas (after Riak's get and put FSMs): pick the targets (the
 * preference list, with fallbacks for members that are down), send to every target, wait for R or W of them,
 * resolve versions, answer, then repair the replicas that answered with something older.
 */
import { ConsistencyError, errorFromWire, errorToWire, type CacheError } from '../common/errors.js'
import type { NodeId } from '../net/transport.js'
import { requiredFor, ReadTally, WriteTally, type Consistency, type Outcome } from './quorum.js'
import type { ReplicationCounters } from './counters.js'
import type { HybridClock } from './hlc.js'
import { contextOf, merge, type Actor, type ConflictResolution, type KeyState, type Sibling, type VersionVector } from './version.js'

/** Error codes that say a replica could not be reached or answer in time, as opposed to a refusal of its own. */
const UNREACHABLE = new Set(['NETWORK', 'TIMEOUT', 'NODE_UNAVAILABLE', 'ABORTED', 'STALE'])

/** Where one copy of a key goes: a replica of its preference list, or a fallback holding it for `hintFor`. */
export interface Target { replica: NodeId, hintFor?: NodeId }

export type ReplicaWriteKind = 'write' | 'repair' | 'hint'

export interface ReplicaWriteItem { key: string, state: KeyState, hintFor?: NodeId }

export type ReplicaWriteAck = { ok: true, existed: boolean } | { ok: false, error: { code: string, message: string } }

/** The replica protocol as the coordinator uses it; a leg to this member itself is served locally. */
export interface ReplicaLegs {
  read(to: NodeId, keys: string[], timeoutMs: number): Promise<Array<KeyState | null>>
  write(to: NodeId, kind: ReplicaWriteKind, items: ReplicaWriteItem[], timeoutMs: number): Promise<ReplicaWriteAck[]>
}

export interface CoordinatorComponents {
  legs: ReplicaLegs
  /** The targets of a key right now, in preference order (fewer than `n` when too few members are alive). */
  targets: (key: string) => Target[]
  /** Replicas per key now: what R and W are counted against, whatever number of targets is reachable. */
  n: () => number
  hlc: HybridClock
  counters: ReplicationCounters
}

export interface CoordinatorInit {
  /** This member's number in versions. */
  actor: Actor
  strategy: ConflictResolution
  maxSiblings: number
  /** Deadline of each replica leg in ms. */
  legTimeoutMs: number
}

export type ReadResult = { ok: true, state: KeyState | undefined } | { ok: false, error: CacheError }
export type WriteResult = { ok: true, acked: number, existed: boolean, state: KeyState } | { ok: false, error: CacheError }

/** What a write puts under a key: a value (or null to delete) with its expiry, on top of what the writer had seen. */
export interface Change { value: Uint8Array | null, expiresAt: number, context: VersionVector }

export class Coordinator {
  /** Read-modify-writes in progress per key on this member, so they apply one after another. */
  private readonly keyLocks = new Map<string, Promise<unknown>>()

  constructor (private readonly components: CoordinatorComponents, private readonly init: CoordinatorInit) {}

  /** Reads keys at `level`; `minTs[i]` is the newest write time of key i the caller has already seen (0: none). */
  async read (keys: string[], level: Consistency, minTs?: readonly number[]): Promise<ReadResult[]> {
    const plans = keys.map((key) => this.components.targets(key))
    const tallies = plans.map((targets, i) => new ReadTally(targets.length, requiredFor(level, this.components.n()), minTs?.[i] ?? 0))
    this.components.counters.coordinated(level, 'read', keys.length)
    const { done } = await this.fanOut(plans, tallies, async (replica, indexes) => {
      const states = await this.components.legs.read(replica, indexes.map((i) => keys[i] as string), this.init.legTimeoutMs)
      indexes.forEach((i, j) => { tallies[i]?.add(replica, { ok: true, state: states[j] ?? undefined }) })
    }, (replica, indexes, err) => {
      for (const i of indexes) tallies[i]?.add(replica, { ok: false, error: errorToWire(err) })
    })
    const results = tallies.map((tally, i): ReadResult => {
      if (tally.outcome !== 'ok') return { ok: false, error: this.quorumError('read', keys[i] as string, tally, level) }
      const { state, discarded } = tally.merged(this.init.strategy, this.init.maxSiblings)
      this.components.counters.conflicts += discarded
      return { ok: true, state }
    })
    // Read repair once every leg is in: the replicas that answered with less than the merged state get it.
    void done.then(async () => { await this.repair(keys, tallies) })
    return results
  }

  /** Writes each change as a new version at `level`; the states sent are the new sibling alone (replicas merge). */
  async write (changes: Array<{ key: string, change: Change }>, level: Consistency): Promise<WriteResult[]> {
    return await this.writeStates(changes.map(({ key, change }) => ({ key, state: [this.newSibling(change)] })), level)
  }

  /**
   * A read-modify-write of one key (incr, getAndSet, touch): reads at `level`, lets `decide` compute the change from
   * the merged state (undefined = write nothing), writes it at `level`. Calls on one key run one at a time here, so
   * they are atomic while this member coordinates the key.
   */
  async update<T> (key: string, level: Consistency, decide: (state: KeyState | undefined) => { change?: Change, result: T }): Promise<{ result: T, state: KeyState | undefined }> {
    const previous = this.keyLocks.get(key) ?? Promise.resolve()
    const run = previous.catch(() => {}).then(async () => {
      const [read] = await this.read([key], level) as [ReadResult]
      if (!read.ok) throw read.error
      const { change, result } = decide(read.state)
      if (change === undefined) return { result, state: read.state }
      const state = merge([read.state, [this.newSibling({ ...change, context: contextOf(read.state) })]], this.init.strategy, this.init.maxSiblings).state
      const [written] = await this.writeStates([{ key, state }], level) as [WriteResult]
      if (!written.ok) throw written.error
      return { result, state }
    })
    this.keyLocks.set(key, run)
    try {
      return await run
    } finally {
      if (this.keyLocks.get(key) === run) this.keyLocks.delete(key)
    }
  }

  private newSibling (change: Change): Sibling {
    return { actor: this.init.actor, ts: this.components.hlc.tick(), context: change.context, value: change.value, expiresAt: change.expiresAt }
  }

  private async writeStates (items: Array<{ key: string, state: KeyState }>, level: Consistency): Promise<WriteResult[]> {
    const plans = items.map(({ key }) => this.components.targets(key))
    const tallies = plans.map((targets) => new WriteTally(targets.length, requiredFor(level, this.components.n())))
    const existed = items.map(() => false)
    this.components.counters.coordinated(level, 'write', items.length)
    await this.fanOut(plans, tallies, async (replica, indexes) => {
      const batch = indexes.map((i): ReplicaWriteItem => {
        const { key, state } = items[i] as { key: string, state: KeyState }
        return { key, state, hintFor: plans[i]?.find((t) => t.replica === replica)?.hintFor }
      })
      const acks = await this.components.legs.write(replica, 'write', batch, this.init.legTimeoutMs)
      indexes.forEach((i, j) => {
        const ack = acks[j]
        if (ack?.ok === true) {
          tallies[i]?.ack(replica)
          if (ack.existed) existed[i] = true
        } else {
          tallies[i]?.fail(replica, ack?.error ?? { code: 'PROTOCOL', message: 'no answer' })
        }
      })
    }, (replica, indexes, err) => {
      for (const i of indexes) tallies[i]?.fail(replica, errorToWire(err))
    })
    return tallies.map((tally, i): WriteResult => {
      const { key, state } = items[i] as { key: string, state: KeyState }
      if (tally.outcome !== 'ok') return { ok: false, error: this.quorumError('write', key, tally, level) }
      return { ok: true, acked: tally.acked, existed: existed[i] as boolean, state }
    })
  }

  /**
   * Sends one batch per replica (the keys it holds a copy of) and resolves as soon as every key is decided; `done`
   * settles when every leg has answered or timed out (for what follows the reply).
   */
  private async fanOut (
    plans: Target[][],
    tallies: Array<{ outcome: Outcome }>,
    send: (replica: NodeId, indexes: number[]) => Promise<void>,
    failed: (replica: NodeId, indexes: number[], err: unknown) => void
  ): Promise<{ done: Promise<void> }> {
    const byReplica = new Map<NodeId, number[]>()
    plans.forEach((targets, i) => {
      for (const { replica } of targets) {
        const group = byReplica.get(replica)
        if (group === undefined) byReplica.set(replica, [i])
        else group.push(i)
      }
    })
    let wake: () => void = () => {}
    const decided = new Promise<void>((resolve) => { wake = resolve })
    const check = (): void => { if (tallies.every((t) => t.outcome !== 'pending')) wake() }
    const legs = [...byReplica].map(async ([replica, indexes]) => {
      try {
        await send(replica, indexes)
      } catch (err) {
        failed(replica, indexes, err)
      }
      check()
    })
    const done = Promise.all(legs).then(() => {})
    check()
    await Promise.race([decided, done])
    return { done }
  }

  private async repair (keys: string[], tallies: ReadTally[]): Promise<void> {
    const byReplica = new Map<NodeId, ReplicaWriteItem[]>()
    tallies.forEach((tally, i) => {
      const { state } = tally.merged(this.init.strategy, this.init.maxSiblings)
      if (state === undefined) return
      for (const replica of tally.stale(state)) {
        const items = byReplica.get(replica) ?? []
        items.push({ key: keys[i] as string, state })
        byReplica.set(replica, items)
      }
    })
    await Promise.all([...byReplica].map(async ([replica, items]) => {
      try {
        await this.components.legs.write(replica, 'repair', items, this.init.legTimeoutMs)
        this.components.counters.readRepairs += items.length
      } catch {
        this.components.counters.readRepairsFailed += items.length
      }
    }))
  }

  /**
   * The error of a request that did not reach its level. When every replica refused it for the same reason of its own
   * (a full memory budget, a value too large), that error is the answer; otherwise a ConsistencyError with counts.
   */
  private quorumError (op: 'read' | 'write', key: string, tally: ReadTally | WriteTally, level: Consistency): CacheError {
    const failures = tally.failures()
    const [first] = failures
    if (tally.acked === 0 && first !== undefined && !UNREACHABLE.has(first.error.code) && failures.every((f) => f.error.code === first.error.code)) {
      return errorFromWire(first.error)
    }
    this.components.counters.quorumFailures++
    const why = failures.length === 0 ? '' : `; ${failures.map((f) => `${f.replica.slice(-8)}: ${f.error.message}`).join(', ')}`
    return new ConsistencyError(`${op} quorum not reached for ${JSON.stringify(key)}: ${tally.acked} of ${tally.required} required replicas answered (${level}, ${tally.asked} asked${why})`, {
      op, acked: tally.acked, required: tally.required, asked: tally.asked, failed: failures.map((f) => f.replica)
    })
  }
}
