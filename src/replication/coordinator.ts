/**
 * Coordination of client requests over a key's replicas. The Coordinator is the service a member runs; each request
 * is one object with explicit steps (after Riak's get and put FSMs): prepare the targets (the preference list, with
 * fallbacks for members that are down), execute (send to every target), wait for R or W of them, resolve versions,
 * reply, then repair the replicas that answered with something older.
 */
import { ConsistencyError, errorFromWire, errorToWire, ProtocolError, type CacheError } from '../common/errors.js'
import { BATCH_BYTES } from '../net/constants.js'
import type { NodeId } from '../net/transport.js'
import { requiredFor, ReadTally, WriteTally, type Consistency } from './quorum.js'
import type { ReplicationCounters } from './counters.js'
import type { HybridClock } from './hlc.js'
import { contextOf, merge, type Actor, type ConflictResolution, type KeyState, type Sibling, type VersionVector } from './version.js'
import { shortId } from '../common/short-id.js'

/** Error codes that say a replica could not be reached or answer in time, as opposed to a refusal of its own. */
const UNREACHABLE = new Set(['NETWORK', 'TIMEOUT', 'NODE_UNAVAILABLE', 'ABORTED', 'STALE'])

/** Where one copy of a key goes: a replica of its preference list, or a fallback holding it for `hintFor`. */
export interface Target { replica: NodeId, hintFor?: NodeId }

export type ReplicaWriteKind = 'write' | 'repair' | 'hint'

export interface ReplicaWriteItem { key: string, state: KeyState, hintFor?: NodeId }

export type ReplicaWriteAck = { ok: true, existed: boolean } | { ok: false, error: { code: string, message: string } }

/** The replica protocol as the coordinator uses it; a leg to this member itself is served locally. */
export interface ReplicaLegs {
  /**
   * The states of `keys`, or of the first of them only, when the rest would make the answer larger than one frame
   * carries comfortably: the caller asks again for the keys left (at least one key is always answered).
   */
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
  /**
   * Bytes the requests of one batch may carry to a replica, keys, versions and values counted (a batch that would pass
   * it goes out as two), so that a replica leg stays within one frame. @default BATCH_BYTES
   */
  batchBytes?: number
}


/** Requests of one level that arrived in the same turn, and where each caller's part of the batch starts. */
interface Batch<Item, Result> {
  items: Item[]
  bytes: number
  callers: Array<{ start: number, count: number, resolve: (results: Result[]) => void, reject: (err: unknown) => void }>
}

interface ReadItem { key: string, minTs: number }

export type ReadResult = { ok: true, state: KeyState | undefined } | { ok: false, error: CacheError }
export type WriteResult = { ok: true, acked: number, existed: boolean, state: KeyState } | { ok: false, error: CacheError }

/** What a write puts under a key: a value (or null to delete) with its expiry, on top of what the writer had seen. */
export interface Change { value: Uint8Array | null, expiresAt: number, context: VersionVector }

/**
 * Runs the requests of its member. Reads (and writes) of one level that arrive in the same turn of the event loop, as
 * the frames of one network read do, are coordinated as one request: one leg per replica carries all their keys, so
 * a busy member sends a few large messages instead of one per key and replica, and the per-request work is shared.
 * Each key keeps its own quorum, answer and error.
 */
export class Coordinator {
  /** Read-modify-writes in progress per key on this member, so they apply one after another. */
  private readonly keyLocks = new Map<string, Promise<unknown>>()
  private readonly pendingReads = new Map<Consistency, Batch<ReadItem, ReadResult>>()
  private readonly pendingWrites = new Map<Consistency, Batch<{ key: string, state: KeyState }, WriteResult>>()
  private readonly batchBytes: number

  constructor (private readonly components: CoordinatorComponents, private readonly init: CoordinatorInit) {
    this.batchBytes = init.batchBytes ?? BATCH_BYTES
  }

  /** Reads keys at `level`; `minTs[i]` is the newest write time of key i the caller has already seen (0: none). */
  read (keys: string[], level: Consistency, minTs?: readonly number[]): Promise<ReadResult[]> {
    const bytes = keys.reduce((sum, key) => sum + keyBytes(key), 0)
    return this.enqueue(this.pendingReads, level, keys.map((key, i) => ({ key, minTs: minTs?.[i] ?? 0 })), bytes, (items) => {
      return new ReadRequest(this.components, this.init, items.map((item) => item.key), level, items.map((item) => item.minTs)).run()
    })
  }

  /** Writes each change as a new version at `level`; the states sent are the new sibling alone (replicas merge). */
  write (changes: Array<{ key: string, change: Change }>, level: Consistency): Promise<WriteResult[]> {
    return this.writeStates(changes.map(({ key, change }) => ({ key, state: [this.newSibling(change)] })), level)
  }

  /**
   * A read-modify-write of one key (incr, getAndSet, touch, a delete under siblings): reads at `level`, lets `decide`
   * compute the change from the merged state (undefined = write nothing), writes it at `level`; `acked` is how many
   * replicas stored it. Calls on one key run one at a time here, so they are atomic while this member coordinates it.
   */
  async update<T> (key: string, level: Consistency, decide: (state: KeyState | undefined) => { change?: Change, result: T }): Promise<{ result: T, state: KeyState | undefined, acked: number }> {
    const previous = this.keyLocks.get(key) ?? Promise.resolve()
    const run = previous.catch(() => {}).then(async () => {
      const [read] = await this.read([key], level) as [ReadResult]
      if (!read.ok) throw read.error
      const { change, result } = decide(read.state)
      if (change === undefined) return { result, state: read.state, acked: 0 }
      const state = merge([read.state, [this.newSibling({ ...change, context: contextOf(read.state) })]], this.init.strategy, this.init.maxSiblings).state
      const [written] = await this.writeStates([{ key, state }], level) as [WriteResult]
      if (!written.ok) throw written.error
      return { result, state, acked: written.acked }
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

  private writeStates (items: Array<{ key: string, state: KeyState }>, level: Consistency): Promise<WriteResult[]> {
    const bytes = items.reduce((sum, item) => sum + keyBytes(item.key) + stateBytes(item.state), 0)
    return this.enqueue(this.pendingWrites, level, items, bytes, (batch) => new WriteRequest(this.components, this.init, batch, level).run())
  }

  /**
   * Adds a caller's items to the batch of its level, which runs at the end of this turn (a microtask: after every frame
   * of the network read being served has been dispatched), or at once if these items would push it past the batch's
   * bytes. Resolves with the caller's own results, in order.
   */
  private enqueue<Item, Result> (
    pending: Map<Consistency, Batch<Item, Result>>, level: Consistency, items: Item[], bytes: number, run: (items: Item[]) => Promise<Result[]>
  ): Promise<Result[]> {
    let batch = pending.get(level)
    if (batch !== undefined && batch.items.length > 0 && batch.bytes + bytes > this.batchBytes) {
      pending.delete(level)
      runBatch(batch, run)
      batch = undefined
    }
    if (batch === undefined) {
      const fresh: Batch<Item, Result> = { items: [], bytes: 0, callers: [] }
      pending.set(level, fresh)
      queueMicrotask(() => {
        if (pending.get(level) !== fresh) return
        pending.delete(level)
        runBatch(fresh, run)
      })
      batch = fresh
    }
    const start = batch.items.length
    for (const item of items) batch.items.push(item)
    batch.bytes += bytes
    const callers = batch.callers
    return new Promise((resolve, reject) => { callers.push({ start, count: items.length, resolve, reject }) })
  }
}

/** Runs a batch and hands each caller its slice of the results (or the batch's error). */
function runBatch<Item, Result> (batch: Batch<Item, Result>, run: (items: Item[]) => Promise<Result[]>): void {
  let results: Promise<Result[]>
  try {
    results = run(batch.items)
  } catch (err) {
    results = Promise.reject(err)
  }
  results.then(
    (all) => { for (const c of batch.callers) c.resolve(c.start === 0 && c.count === all.length ? all : all.slice(c.start, c.start + c.count)) },
    (err: unknown) => { for (const c of batch.callers) c.reject(err) }
  )
}

/** At most what a key takes in a replica message: its UTF-8 (up to 3 bytes per UTF-16 unit), a length and a hint. */
function keyBytes (key: string): number {
  return 3 * key.length + 4
}

/** What a state takes in a replica message: per sibling its numbers, its context and its value. */
function stateBytes (state: KeyState): number {
  let bytes = 2
  for (const sibling of state) bytes += 31 + 16 * sibling.context.length + (sibling.value?.length ?? 0)
  return bytes
}

/**
 * What every request does first and in the middle: find each key's targets, then send one batch per replica (the
 * keys it holds a copy of) and wait until every key is decided. `legsDone` settles once every leg has answered or
 * timed out, for what a request does after its reply.
 */
abstract class FanOutRequest<Tally extends ReadTally | WriteTally> {
  protected readonly plans: Target[][]
  protected readonly tallies: Tally[]
  protected legsDone: Promise<void> = Promise.resolve()

  constructor (
    protected readonly components: CoordinatorComponents,
    protected readonly init: CoordinatorInit,
    protected readonly keys: string[],
    protected readonly level: Consistency,
    makeTally: (targets: Target[], required: number, i: number) => Tally
  ) {
    // step 1, prepare: the preference list of each key, with fallbacks for members that are down
    this.plans = keys.map((key) => components.targets(key))
    const required = requiredFor(level, components.n())
    this.tallies = this.plans.map((targets, i) => makeTally(targets, required, i))
  }

  /** Sends `keys[indexes]` to `replica` and feeds the answers to the tallies. */
  protected abstract sendTo (replica: NodeId, indexes: number[]): Promise<void>

  /** A leg that failed as a whole (unreachable, timed out): each of its keys counts a failure. */
  protected abstract legFailed (replica: NodeId, indexes: number[], err: unknown): void

  /** Steps 2 and 3, execute and wait: resolves once every key reached its level or cannot any more. */
  protected async execute (): Promise<void> {
    const byReplica = new Map<NodeId, number[]>()
    this.plans.forEach((targets, i) => {
      for (const { replica } of targets) {
        const group = byReplica.get(replica)
        if (group === undefined) byReplica.set(replica, [i])
        else group.push(i)
      }
    })
    let wake: () => void = () => {}
    const decided = new Promise<void>((resolve) => { wake = resolve })
    const check = (): void => { if (this.tallies.every((t) => t.outcome !== 'pending')) wake() }
    const legs = [...byReplica].map(async ([replica, indexes]) => {
      try {
        await this.sendTo(replica, indexes)
      } catch (err) {
        this.legFailed(replica, indexes, err)
      }
      check()
    })
    this.legsDone = Promise.all(legs).then(() => {})
    check()
    await Promise.race([decided, this.legsDone])
  }

  /**
   * The error of a key that did not reach its level. When every replica refused it for the same reason of its own
   * (a full memory budget, a value too large), that error is the answer; otherwise a ConsistencyError with counts.
   */
  protected quorumError (op: 'read' | 'write', i: number): CacheError {
    const tally = this.tallies[i] as Tally
    const failures = tally.failures()
    const [first] = failures
    if (tally.acked === 0 && first !== undefined && !UNREACHABLE.has(first.error.code) && failures.every((f) => f.error.code === first.error.code)) {
      return errorFromWire(first.error)
    }
    this.components.counters.quorumFailures++
    const why = failures.length === 0 ? '' : `; ${failures.map((f) => `${shortId(f.replica)}: ${f.error.message}`).join(', ')}`
    return new ConsistencyError(`${op} quorum not reached for ${JSON.stringify(this.keys[i])}: ${tally.acked} of ${tally.required} required replicas answered (${this.level}, ${tally.asked} asked${why})`, {
      op, acked: tally.acked, required: tally.required, asked: tally.asked, failed: failures.map((f) => f.replica)
    })
  }
}

/** One read (after riak_kv_get_fsm): prepare, execute, wait for R, resolve versions, reply, then read repair. */
class ReadRequest extends FanOutRequest<ReadTally> {
  constructor (components: CoordinatorComponents, init: CoordinatorInit, keys: string[], level: Consistency, minTs: readonly number[] | undefined) {
    super(components, init, keys, level, (targets, required, i) => new ReadTally(targets.length, required, minTs?.[i] ?? 0))
  }

  async run (): Promise<ReadResult[]> {
    this.components.counters.coordinated(this.level, 'read', this.keys.length)
    await this.execute()
    const results = this.resolve()
    void this.legsDone.then(async () => { await this.repair() })
    return results
  }

  protected async sendTo (replica: NodeId, indexes: number[]): Promise<void> {
    for (let left = indexes; left.length > 0;) {
      const states = await this.components.legs.read(replica, left.map((i) => this.keys[i] as string), this.init.legTimeoutMs)
      if (states.length === 0) throw new ProtocolError(`replica ${shortId(replica)} answered none of ${left.length} keys`)
      states.forEach((state, j) => { this.tallies[left[j] as number]?.add(replica, { ok: true, state: state ?? undefined }) })
      left = left.slice(states.length)
    }
  }

  protected legFailed (replica: NodeId, indexes: number[], err: unknown): void {
    for (const i of indexes) this.tallies[i]?.add(replica, { ok: false, error: errorToWire(err) })
  }

  /** Step 4: the newest version each key's replicas hold, or the key's quorum error. */
  private resolve (): ReadResult[] {
    return this.tallies.map((tally, i): ReadResult => {
      if (tally.outcome !== 'ok') return { ok: false, error: this.quorumError('read', i) }
      const { state, discarded } = tally.merged(this.init.strategy, this.init.maxSiblings)
      this.components.counters.conflicts += discarded
      return { ok: true, state }
    })
  }

  /** Step 5, once every leg is in: the replicas that answered with less than the merged state get it. */
  private async repair (): Promise<void> {
    const byReplica = new Map<NodeId, ReplicaWriteItem[]>()
    this.tallies.forEach((tally, i) => {
      const { state } = tally.merged(this.init.strategy, this.init.maxSiblings)
      if (state === undefined) return
      for (const replica of tally.stale(state)) {
        const items = byReplica.get(replica) ?? []
        items.push({ key: this.keys[i] as string, state })
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
}

/** One write (after riak_kv_put_fsm): prepare, execute, wait for W, reply; the other replicas finish on their own. */
class WriteRequest extends FanOutRequest<WriteTally> {
  private readonly existed: boolean[]

  constructor (components: CoordinatorComponents, init: CoordinatorInit, private readonly items: Array<{ key: string, state: KeyState }>, level: Consistency) {
    super(components, init, items.map((item) => item.key), level, (targets, required) => new WriteTally(targets.length, required))
    this.existed = items.map(() => false)
  }

  async run (): Promise<WriteResult[]> {
    this.components.counters.coordinated(this.level, 'write', this.items.length)
    await this.execute()
    return this.tallies.map((tally, i): WriteResult => {
      if (tally.outcome !== 'ok') return { ok: false, error: this.quorumError('write', i) }
      return { ok: true, acked: tally.acked, existed: this.existed[i] as boolean, state: (this.items[i] as { state: KeyState }).state }
    })
  }

  protected async sendTo (replica: NodeId, indexes: number[]): Promise<void> {
    const batch = indexes.map((i): ReplicaWriteItem => {
      const { key, state } = this.items[i] as { key: string, state: KeyState }
      return { key, state, hintFor: this.plans[i]?.find((t) => t.replica === replica)?.hintFor }
    })
    const acks = await this.components.legs.write(replica, 'write', batch, this.init.legTimeoutMs)
    indexes.forEach((i, j) => {
      const ack = acks[j]
      if (ack?.ok === true) {
        this.tallies[i]?.ack(replica)
        if (ack.existed) this.existed[i] = true
      } else {
        this.tallies[i]?.fail(replica, ack?.error ?? { code: 'PROTOCOL', message: 'no answer' })
      }
    })
  }

  protected legFailed (replica: NodeId, indexes: number[], err: unknown): void {
    for (const i of indexes) this.tallies[i]?.fail(replica, errorToWire(err))
  }
}
