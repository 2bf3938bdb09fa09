import { CacheError, InvalidKeyError, KeyNotFoundError, NetworkError, NodeUnavailableError, ProtocolError, SerializationError, TimeoutError, ValueTooLargeError, errorFromWire, errorToWire } from '../common/errors.js'
import { systemClock, type Clock } from '../common/clock.js'
import { REQUEST_TIMEOUT_MS, type ConsistencyLevel } from '../config/defaults.js'
import { decodeValue, encodeValue, valueSize } from '../common/codec.js'
import { checkKey, checkValueSize } from '../store/input-rules.js'
import { call } from '../node/rpc.js'
import { BATCH_BYTES } from '../net/constants.js'
import { Pipeline, type PipelinedRequest } from './pipeline.js'
import { Router } from './router.js'
import { SessionToken } from './session.js'
import type { ClientTransport, NodeId } from '../net/transport.js'
import { MAX_BATCH_OPS, replyTs, type BatchResult, type CacheRequest, type ClusterInfo, type DeleteReply, type ForgetReply, type GetReply, type KeyResult, type MemberView, type Reply, type TtlResult, type Versioned, type WriteReply } from '../node/protocol.js'
import type { NodeStats } from '../node/stats.js'
import type { EventQuery, NodeEvent } from '../node/event-log.js'
import type { VersionVector } from '../replication/index.js'

export interface RequestLevel {
  /** Replicas to wait for: one, quorum or all; omitted = the cluster's configured level. */
  consistency?: ConsistencyLevel
}

export interface PutOptions extends RequestLevel {
  /** Seconds to live; 0 means no expiry; omitted means the cluster's defaultTtl. */
  ttl?: number
  /** The context of a `getSiblings` read: the put replaces every sibling that read saw. */
  context?: VersionVector
}

/** Every value a key holds: one normally, several when concurrent writes were kept as siblings. */
export interface Siblings<T> {
  values: T[]
  /** Pass it to `put` to replace all of them with one value. */
  context: VersionVector
}

export interface DistributedCacheInit {
  /** Per-request deadline in milliseconds. @default 5000 */
  timeout?: number
  /** How long a learned ring is trusted before the next request refreshes it in the background. @default 5000 */
  ringRefreshMs?: number
  /** Level of every request that names none. @default the cluster's */
  consistency?: ConsistencyLevel
  /**
   * Resolves siblings (concurrent values under conflictResolution 'siblings') for `get`: it returns the merged value
   * and writes it back with the siblings' context. Without it, `get` returns the newest sibling.
   */
  merge?: (values: unknown[]) => unknown
  /** @default systemClock */
  clock?: Clock
}

/** A transport plus whatever must be stopped with it (the client's own libp2p host, a local socket). */
export interface ClientConnection {
  transport: ClientTransport
  close(): Promise<void>
}

/** What a client shares with its sessions: one connection, one picture of the cluster. */
interface Shared {
  connection: ClientConnection
  router: Router
  clock: Clock
  /** When the ring was last learned; -Infinity before the first. */
  learnedAt: number
  refreshing: boolean
}

/**
 * The library facade: a client of a running cluster. It learns the ring from a member and sends each key to the
 * first of its replicas, which coordinates the request at the requested level; if that member is unreachable, any
 * other member coordinates it. Concurrent calls share one stream per member and are coalesced by the transport.
 * The ring is asked for when the client opens but not waited for, so a one-shot client (a CLI command) pays no
 * round trip for it: until it arrives, requests go to the contact node.
 */
export class DistributedCache {
  private readonly timeoutMs: number
  private readonly ringRefreshMs: number

  private constructor (
    private readonly shared: Shared,
    private readonly init: DistributedCacheInit,
    /** Set on a session: the causal token carried with every request. */
    private readonly token?: SessionToken
  ) {
    this.timeoutMs = init.timeout ?? REQUEST_TIMEOUT_MS
    this.ringRefreshMs = init.ringRefreshMs ?? 5000
  }

  /**
   * A client over `connection` that talks to the cluster through `seeds` (ids from `connection.transport.connect`):
   * the first is the contact node, the others are fallbacks until the ring names the members. It asks the contact
   * node for the ring and returns without waiting for the answer.
   */
  static async open (connection: ClientConnection, seeds: NodeId[], init: DistributedCacheInit = {}): Promise<DistributedCache> {
    if (seeds.length === 0) {
      await connection.close()
      throw new NetworkError('no seed node to talk to')
    }
    const clock = init.clock ?? systemClock
    const client = new DistributedCache({ connection, router: new Router(seeds), clock, learnedAt: Number.NEGATIVE_INFINITY, refreshing: false }, init)
    client.refreshIfStale()
    return client
  }

  /**
   * A handle with the same methods that reads its own writes and never reads older than it has read, at any level:
   * every reply's version goes into `token`, and every request asks for at least what the token has seen of its key.
   * Pass a token to resume a session (the CLI keeps it in a file); closing a session does not close the client.
   */
  session (token = new SessionToken()): DistributedCache {
    return new DistributedCache(this.shared, this.init, token)
  }

  /** A handle whose requests default to `consistency`. */
  at (consistency: ConsistencyLevel): DistributedCache {
    return new DistributedCache(this.shared, { ...this.init, consistency }, this.token)
  }

  /** The session's token, if this is a session. */
  get sessionToken (): SessionToken | undefined {
    return this.token
  }

  async put (key: string, value: unknown, opts: PutOptions = {}): Promise<WriteReply> {
    const encoded = encodeValue(value)
    this.checkInput([key], [[key, encoded]])
    return await this.routed<WriteReply>(key, { op: 'put', key, value: encoded, ttl: opts.ttl, context: opts.context }, opts)
  }

  /** The value, or undefined on a miss (a miss is not an error). With siblings, the merge function's value or the newest. */
  async get<T = unknown> (key: string, opts: RequestLevel = {}): Promise<T | undefined> {
    const reply = await this.read(key, opts, false)
    if (reply.value === null) return undefined
    if (reply.siblings !== undefined && this.init.merge !== undefined) {
      const merged = this.init.merge(reply.siblings.map((v) => decodeValue(v)))
      await this.put(key, merged, { context: reply.context, consistency: opts.consistency })
      return merged as T
    }
    return decodeValue(reply.value) as T
  }

  /** Every value the key holds (none on a miss) and the context a put needs to replace them all. */
  async getSiblings<T = unknown> (key: string, opts: RequestLevel = {}): Promise<Siblings<T>> {
    const reply = await this.read(key, opts, true)
    const values = reply.siblings ?? (reply.value === null ? [] : [reply.value])
    return { values: values.map((v) => decodeValue(v) as T), context: reply.context ?? [] }
  }

  /** Deletes the keys; returns how many existed. */
  async delete (...keys: string[]): Promise<number> {
    return await this.deleteAt(keys, {})
  }

  /** `delete` at a level. */
  async deleteAt (keys: string[], opts: RequestLevel): Promise<number> {
    this.checkInput(keys)
    const results = await this.perReplica<DeleteReply>(keys, (part) => this.withOptions({ op: 'delete', keys: part }, undefined, opts))
    const failed = results.find((r) => !r.ok)
    // A count that silently left out unreachable replicas would read as "those keys did not exist".
    if (failed !== undefined && !failed.ok) throw errorFromWire({ ...failed.error, message: `delete of ${failed.key} failed: ${failed.error.message}` })
    return results.filter((r) => r.ok && r.value.existed).length
  }

  async exists (key: string, opts: RequestLevel = {}): Promise<boolean> {
    return (await this.routed<Reply<boolean>>(key, { op: 'exists', key }, opts)).value
  }

  /** Empties every member; returns how many keys were removed. */
  async clear (): Promise<number> {
    return await this.any<number>({ op: 'clear' })
  }

  /** Per-key results, in the order of `keys`; a missing key has value undefined. */
  async getMultiple<T = unknown> (keys: string[], opts: RequestLevel = {}): Promise<Array<KeyResult<T | undefined>>> {
    this.checkInput(keys)
    const results = await this.perReplica<GetReply>(keys, (part) => this.withOptions({ op: 'mget', keys: part, minTs: this.token === undefined ? undefined : part.map((k) => this.token?.minTs(k) ?? 0) }, undefined, opts))
    return results.map((r) => {
      if (!r.ok) return r
      this.token?.observe(r.key, r.value.ts)
      return { key: r.key, ok: true, value: r.value.value === null ? undefined : decodeValue(r.value.value) as T }
    })
  }

  async putMultiple (entries: Record<string, unknown> | Array<[string, unknown]>, opts: PutOptions = {}): Promise<Array<KeyResult<true>>> {
    const list = Array.isArray(entries) ? entries : Object.entries(entries)
    const encoded = list.map(([k, v]): [string, Uint8Array] => [k, encodeValue(v)])
    this.checkInput(encoded.map(([k]) => k), encoded)
    const byKey = new Map(encoded)
    const results = await this.perReplica<WriteReply>(encoded.map(([k]) => k), (part) => this.withOptions({
      op: 'mput', entries: part.map((k): [string, Uint8Array] => [k, byKey.get(k) as Uint8Array]), ttl: opts.ttl
    }, undefined, opts))
    return results.map((r) => {
      if (!r.ok) return r
      this.token?.observe(r.key, r.value.ts)
      return { key: r.key, ok: true, value: true }
    })
  }

  /** Adds delta atomically (a missing key counts as 0) and returns the new value. */
  async increment (key: string, delta: number | bigint = 1, opts: RequestLevel = {}): Promise<number | bigint> {
    return await this.update<number | bigint>(key, { op: 'incr', key, delta }, opts)
  }

  async decrement (key: string, delta: number | bigint = 1, opts: RequestLevel = {}): Promise<number | bigint> {
    return await this.increment(key, -delta, opts)
  }

  /** Stores value (with `opts.ttl` as put takes it) and returns the previous one (undefined if there was none). */
  async getAndSet<T = unknown> (key: string, value: unknown, opts: Omit<PutOptions, 'context'> = {}): Promise<T | undefined> {
    const encoded = encodeValue(value)
    this.checkInput([key], [[key, encoded]])
    const old = await this.update<Uint8Array | null>(key, { op: 'getset', key, value: encoded, ttl: opts.ttl }, opts)
    return old === null ? undefined : decodeValue(old) as T
  }

  /** Sets a new TTL on an existing key; false if the key does not exist. */
  async touch (key: string, ttl: number, opts: RequestLevel = {}): Promise<boolean> {
    return await this.update<boolean>(key, { op: 'touch', key, ttl }, opts)
  }

  /** Seconds left, null for a key that never expires; throws KeyNotFoundError for a missing key. */
  async getTtl (key: string, opts: RequestLevel = {}): Promise<number | null> {
    const result = await this.routed<TtlResult>(key, { op: 'ttl', key }, opts)
    if (result.state === 'missing') throw new KeyNotFoundError(key)
    return result.state === 'persistent' ? null : result.seconds
  }

  /**
   * Requests queued and sent together, one message per member that coordinates their keys (redis-cli's pipelining):
   * `await cache.pipeline().put('a', 1).get('b').exec()` resolves once, with each request's result or own error, in
   * order. At this handle's level (or `opts`) and session.
   */
  pipeline (opts: RequestLevel = {}): Pipeline {
    return new Pipeline(async (requests) => await this.sendPipeline(requests, opts))
  }

  /** Asks the cluster to bring in the node listening at `address` (like `serf join`). */
  async addNode (address: string): Promise<NodeId> {
    return await this.any<NodeId>({ op: 'addNode', address })
  }

  /**
   * Gracefully removes a member: it announces `left`, stops taking requests and exits. `id` is its full id, a unique
   * suffix of it, or its name.
   */
  async removeNode (id: string): Promise<void> {
    await this.any<void>({ op: 'removeNode', id })
  }

  /** Drops a dead or left member from every member's table and ring at once; `id` as for removeNode. */
  async forgetNode (id: string): Promise<ForgetReply> {
    return await this.any<ForgetReply>({ op: 'forgetNode', id })
  }

  /** Members and ring as a member currently sees them (also refreshes this client's routing). */
  async getClusterInfo (): Promise<ClusterInfo> {
    const info = await this.any<ClusterInfo>({ op: 'cluster' })
    this.learn(info)
    return info
  }

  /** Statistics of every reachable member. */
  async getStatistics (): Promise<NodeStats[]> {
    return await this.any<NodeStats[]>({ op: 'stats' })
  }

  /** Member events the contact node has logged after sequence number `since`. */
  async getEvents (since = 0): Promise<NodeEvent[]> {
    return await this.any<NodeEvent[]>({ op: 'events', since })
  }

  /** Events from the log of `member` itself, with no fallback to another member's log (whose sequence differs). */
  async getEventsOf (member: NodeId, query: EventQuery = {}): Promise<NodeEvent[]> {
    return await call<NodeEvent[]>(this.shared.connection.transport, member, { op: 'events', ...query }, this.timeoutMs)
  }

  /** The member the client talks to for cluster-wide requests. */
  get contactNode (): NodeId {
    return this.shared.router.contact
  }

  /** The members as this client last learned them, with their addresses (no request). */
  get members (): readonly MemberView[] {
    return this.shared.router.members
  }

  /** The member a request for `key` goes to first: its first live replica as last learned, else the contact node. */
  nodeFor (key: string): NodeId {
    return this.shared.router.ownerOf(key) ?? this.shared.router.contact
  }

  /** Closes the client's connection; a session leaves it to the client it came from. */
  async close (): Promise<void> {
    if (this.token === undefined) await this.shared.connection.close()
  }

  /**
   * The cluster's key and value rules (the limits it reported; without them, only non-empty keys) over every key and
   * value of a request before any part of it is sent: a multi-key request with one bad key changes nothing.
   */
  private checkInput (keys: readonly string[], values: ReadonlyArray<readonly [string, Uint8Array]> = []): void {
    const limits = this.shared.router.limits
    for (const key of keys) checkKey(key, limits?.maxKeyBytes ?? Infinity)
    if (limits !== undefined) for (const [key, value] of values) checkValueSize(key, valueSize(value), limits.maxValueBytes)
  }

  /** checkInput for one key, without the arrays (every single-key request runs it). */
  private checkOneKey (key: string): void {
    checkKey(key, this.shared.router.limits?.maxKeyBytes ?? Infinity)
  }

  private read (key: string, opts: RequestLevel, siblings: boolean): Promise<GetReply> {
    return this.routed<GetReply>(key, siblings ? { op: 'get', key, siblings } : { op: 'get', key }, opts)
  }

  private async update<T> (key: string, req: CacheRequest, opts: RequestLevel): Promise<T> {
    return (await this.routed<Reply<T>>(key, req, opts)).value
  }

  /** Sets the level and the session's time for `key` on a request made for this call, and returns it. */
  private withOptions<R extends CacheRequest> (req: R, key: string | undefined, opts: RequestLevel): R {
    const consistency = opts.consistency ?? this.init.consistency
    if (consistency !== undefined) req.consistency = consistency
    const minTs = key === undefined ? 0 : this.token?.minTs(key) ?? 0
    if (minTs !== 0) req.minTs = minTs
    return req
  }

  /**
   * Sends a single-key request, at the level and with the session's time for the key, to the key's first replica,
   * falling back to any other member (which coordinates it); the reply's time goes into the session.
   */
  private async routed<R extends Versioned> (key: string, req: CacheRequest, opts: RequestLevel): Promise<R> {
    this.checkOneKey(key)
    this.refreshIfStale()
    const reply = await this.withFallback<R>(this.nodeFor(key), this.withOptions(req, key, opts))
    this.token?.observe(key, reply.ts)
    return reply
  }

  /** A cluster-wide request, served by the contact node (or another member if it is gone). */
  private async any<T> (req: CacheRequest): Promise<T> {
    return await this.withFallback(this.shared.router.contact, req)
  }

  /**
   * Sends `req` to `first`; if that member cannot be reached, tries the other live members (any member coordinates
   * any key), all within one deadline. A repeatable request gives `first` half the deadline, so a member that hangs
   * (paused, partitioned away) leaves time to ask another; a coordinator answers within its legs' third of it.
   * Operations that must not run twice (incr, getset, addNode, removeNode) are retried only after a refusal that
   * proves they did not run: a timeout or a broken stream may come after they ran.
   */
  private async withFallback<T> (first: NodeId, req: CacheRequest): Promise<T> {
    const { clock, connection, router } = this.shared
    const deadline = clock.now() + this.timeoutMs
    const repeatable = req.op === 'batch' ? req.ops.every((op) => !NOT_REPEATABLE.has(op.op)) : !NOT_REPEATABLE.has(req.op)
    try {
      return await call<T>(connection.transport, first, req, repeatable && router.aliveMembers().length > 1 ? Math.max(1, this.timeoutMs / 2) : this.timeoutMs)
    } catch (err) {
      // the rest is the failure path: what it needs is made here, not on every request
      const remaining = (): number => Math.max(1, deadline - clock.now())
      const retryable = (e: unknown): boolean => repeatable ? isUnreachable(e) : e instanceof NodeUnavailableError
      if (!retryable(err)) throw err
      for (const other of router.aliveMembers()) {
        if (other === first || clock.now() >= deadline) continue
        try {
          const result = await call<T>(connection.transport, other, req, remaining())
          void this.refreshFrom(other)
          return result
        } catch (retryErr) {
          if (!retryable(retryErr)) throw retryErr
        }
      }
      throw err
    }
  }

  /**
   * Splits keys by first replica, sends one request per member in parallel, and returns per-key results in order.
   * A member's refusal of the input itself (a key or value its rules refuse: the client checked them only if it knew
   * the cluster's limits) is thrown, as a single-key request's is, not reported per key.
   */
  private async perReplica<T> (keys: string[], makeRequest: (part: string[]) => CacheRequest): Promise<Array<KeyResult<T>>> {
    this.refreshIfStale()
    const results = new Array<KeyResult<T>>(keys.length)
    await Promise.all([...this.shared.router.groupByOwner(keys)].map(async ([owner, indexes]) => {
      const part = indexes.map((i) => keys[i] as string)
      try {
        const partResults = await this.withFallback<Array<KeyResult<T>>>(owner, makeRequest(part))
        indexes.forEach((i, j) => { results[i] = partResults[j] as KeyResult<T> })
      } catch (err) {
        if (err instanceof InvalidKeyError || err instanceof ValueTooLargeError || err instanceof SerializationError) throw err
        const error = { code: err instanceof CacheError ? err.code : 'ERR', message: (err as Error).message }
        indexes.forEach((i) => { results[i] = { key: keys[i] as string, ok: false, error } })
      }
    }))
    return results
  }

  /**
   * A pipeline's requests, checked all before any is sent, grouped by first replica and sent to each member in as few
   * batches as the limits allow; a member that cannot be reached fails its own requests, each with that error.
   */
  private async sendPipeline (requests: readonly PipelinedRequest[], opts: RequestLevel): Promise<BatchResult[]> {
    const keys = requests.map((r) => r.key)
    this.checkInput(keys, requests.flatMap((r): Array<[string, Uint8Array]> => r.value === undefined ? [] : [[r.key, r.value]]))
    this.refreshIfStale()
    const results = new Array<BatchResult>(requests.length)
    await Promise.all([...this.shared.router.groupByOwner(keys)].map(async ([owner, indexes]) => {
      // one batch after another, so that a key's requests keep their order across batches
      for (const chunk of batches(indexes, (i) => requests[i] as PipelinedRequest)) {
        const ops = chunk.map((i): CacheRequest => {
          const { key, request } = requests[i] as PipelinedRequest
          return this.withOptions(request, key, opts)
        })
        const answers = await this.sendBatch(owner, ops)
        chunk.forEach((i, j) => {
          const answer = answers[j] ?? { ok: false, error: { code: 'PROTOCOL', message: 'no answer in the batch' } }
          results[i] = answer
          if (answer.ok) this.token?.observe(keys[i] as string, replyTs(answer.value))
        })
      }
    }))
    return results
  }

  /**
   * One batch to `owner` (or another member): its answers, or its error as each request's answer. A member of an
   * older version, which has no batch, refuses it before doing anything; its requests then go one by one, in order.
   */
  private async sendBatch (owner: NodeId, ops: CacheRequest[]): Promise<BatchResult[]> {
    try {
      return await this.withFallback<BatchResult[]>(owner, { op: 'batch', ops })
    } catch (err) {
      if (!(err instanceof ProtocolError && err.message.startsWith('unknown operation "batch"'))) {
        const error = errorToWire(err)
        return ops.map(() => ({ ok: false, error }))
      }
    }
    const answers: BatchResult[] = []
    for (const op of ops) {
      try {
        answers.push({ ok: true, value: await this.withFallback(owner, op) })
      } catch (err) {
        answers.push({ ok: false, error: errorToWire(err) })
      }
    }
    return answers
  }

  /** Members join and die: a ring older than ringRefreshMs is refreshed in the background, off the request's path. */
  private refreshIfStale (): void {
    const shared = this.shared
    if (shared.refreshing || shared.clock.now() - shared.learnedAt < this.ringRefreshMs) return
    shared.refreshing = true
    void this.refreshFrom(shared.router.contact).finally(() => { shared.refreshing = false })
  }

  private async refreshFrom (member: NodeId): Promise<void> {
    try {
      this.learn(await call<ClusterInfo>(this.shared.connection.transport, member, { op: 'cluster' }, this.timeoutMs))
    } catch {
      // routing stays as it was; the next fallback tries again
    }
  }

  private learn (info: ClusterInfo): void {
    for (const m of info.members) this.shared.connection.transport.addAddresses(m.id, m.addresses)
    this.shared.router.update(info)
    this.shared.learnedAt = this.shared.clock.now()
  }
}

/** `indexes` in order, cut into batches of at most MAX_BATCH_OPS requests and about BATCH_BYTES of keys and values. */
function batches (indexes: number[], requestAt: (i: number) => PipelinedRequest): number[][] {
  const out: number[][] = []
  let current: number[] = []
  let bytes = 0
  for (const i of indexes) {
    const { key, value } = requestAt(i)
    const size = 3 * key.length + (value?.length ?? 0)
    if (current.length > 0 && (current.length >= MAX_BATCH_OPS || bytes + size > BATCH_BYTES)) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(i)
    bytes += size
  }
  if (current.length > 0) out.push(current)
  return out
}

/** Operations whose effect a retry could apply twice. */
const NOT_REPEATABLE = new Set<CacheRequest['op']>(['incr', 'getset', 'addNode', 'removeNode', 'forgetNode'])

/** A failure that says the member could not be reached, not that it refused the request. */
export function isUnreachable (err: unknown): boolean {
  return err instanceof NetworkError || err instanceof NodeUnavailableError || err instanceof TimeoutError
}
