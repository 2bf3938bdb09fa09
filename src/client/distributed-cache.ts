import { CacheError, KeyNotFoundError, NetworkError, NodeUnavailableError, TimeoutError, errorFromWire } from '../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../config/defaults.js'
import { decodeValue, encodeValue } from '../store/codec.js'
import { call } from '../node/rpc.js'
import { Router } from './router.js'
import type { NodeId, Transport } from '../net/transport.js'
import type { CacheRequest, ClusterInfo, KeyResult, TtlResult } from '../node/protocol.js'
import type { NodeStats } from '../node/stats.js'
import type { NodeEvent } from '../node/event-log.js'

export interface PutOptions {
  /** Seconds to live; 0 means no expiry; omitted means the cluster's defaultTtl. */
  ttl?: number
}

export interface DistributedCacheInit {
  /** Per-request deadline in milliseconds. @default 5000 */
  timeout?: number
  /** How long a learned ring is trusted before the next request refreshes it in the background. @default 5000 */
  ringRefreshMs?: number
}

/** A transport plus whatever must be stopped with it (the client's own libp2p host). */
export interface ClientConnection {
  transport: Transport
  close(): Promise<void>
}

/**
 * The library facade: a client of a running cluster. It learns the ring from a member and sends each key to its
 * owner; a member that is not the owner forwards, so a stale ring costs a hop, not a wrong answer.
 * Concurrent calls share one stream per member and are coalesced into few writes by the transport.
 */
export class DistributedCache {
  private readonly timeoutMs: number
  private readonly ringRefreshMs: number
  private learnedAt = Date.now()
  private refreshing = false

  private constructor (
    private readonly connection: ClientConnection,
    private readonly router: Router,
    init: DistributedCacheInit
  ) {
    this.timeoutMs = init.timeout ?? REQUEST_TIMEOUT_MS
    this.ringRefreshMs = init.ringRefreshMs ?? 5000
  }

  /** Connects through the first reachable seed (ids from `connection.transport.connect`) and learns the ring. */
  static async open (connection: ClientConnection, seeds: NodeId[], init: DistributedCacheInit = {}): Promise<DistributedCache> {
    const timeoutMs = init.timeout ?? REQUEST_TIMEOUT_MS
    let lastError: unknown
    for (const seed of seeds) {
      try {
        const info = await call<ClusterInfo>(connection.transport, seed, { op: 'cluster' }, timeoutMs)
        for (const m of info.members) connection.transport.addAddresses(m.id, m.addresses)
        return new DistributedCache(connection, new Router(info), init)
      } catch (err) {
        lastError = err
      }
    }
    await connection.close()
    throw lastError instanceof CacheError ? lastError : new NetworkError(`no seed node reachable: ${String(lastError)}`)
  }

  async put (key: string, value: unknown, opts: PutOptions = {}): Promise<void> {
    await this.routed(key, { op: 'put', key, value: encodeValue(value), ttl: opts.ttl })
  }

  /** The value, or undefined on a miss (a miss is not an error). */
  async get<T = unknown> (key: string): Promise<T | undefined> {
    const bytes = await this.routed<Uint8Array | null>(key, { op: 'get', key })
    return bytes === null ? undefined : decodeValue(bytes) as T
  }

  /** Deletes the keys; returns how many existed. */
  async delete (...keys: string[]): Promise<number> {
    const results = await this.perOwner<boolean>(keys, (part) => ({ op: 'delete', keys: part }))
    const failed = results.find((r) => !r.ok)
    // A count that silently left out unreachable owners would read as "those keys did not exist".
    if (failed !== undefined && !failed.ok) throw errorFromWire({ code: failed.error.code, message: `delete of ${failed.key} failed: ${failed.error.message}` })
    return results.filter((r) => r.ok && r.value).length
  }

  async exists (key: string): Promise<boolean> {
    return await this.routed<boolean>(key, { op: 'exists', key })
  }

  /** Empties every member; returns how many keys were removed. */
  async clear (): Promise<number> {
    return await this.any<number>({ op: 'clear' })
  }

  /** Per-key results, in the order of `keys`; a missing key has value undefined. */
  async getMultiple<T = unknown> (keys: string[]): Promise<Array<KeyResult<T | undefined>>> {
    const results = await this.perOwner<Uint8Array | null>(keys, (part) => ({ op: 'mget', keys: part }))
    return results.map((r) => r.ok ? { ...r, value: r.value === null ? undefined : decodeValue(r.value) as T } : r)
  }

  async putMultiple (entries: Record<string, unknown> | Array<[string, unknown]>, opts: PutOptions = {}): Promise<Array<KeyResult<true>>> {
    const list = Array.isArray(entries) ? entries : Object.entries(entries)
    const encoded = list.map(([k, v]): [string, Uint8Array] => [k, encodeValue(v)])
    const byKey = new Map(encoded)
    return await this.perOwner<true>(encoded.map(([k]) => k), (part) => ({
      op: 'mput', entries: part.map((k): [string, Uint8Array] => [k, byKey.get(k) as Uint8Array]), ttl: opts.ttl
    }))
  }

  /** Adds delta atomically (a missing key counts as 0) and returns the new value. */
  async increment (key: string, delta: number | bigint = 1): Promise<number | bigint> {
    return await this.routed<number | bigint>(key, { op: 'incr', key, delta })
  }

  async decrement (key: string, delta: number | bigint = 1): Promise<number | bigint> {
    return await this.increment(key, -delta)
  }

  /** Stores value and returns the previous one (undefined if there was none). */
  async getAndSet<T = unknown> (key: string, value: unknown): Promise<T | undefined> {
    const old = await this.routed<Uint8Array | null>(key, { op: 'getset', key, value: encodeValue(value) })
    return old === null ? undefined : decodeValue(old) as T
  }

  /** Sets a new TTL on an existing key; false if the key does not exist. */
  async touch (key: string, ttl: number): Promise<boolean> {
    return await this.routed<boolean>(key, { op: 'touch', key, ttl })
  }

  /** Seconds left, null for a key that never expires; throws KeyNotFoundError for a missing key. */
  async getTtl (key: string): Promise<number | null> {
    const result = await this.routed<TtlResult>(key, { op: 'ttl', key })
    if (result.state === 'missing') throw new KeyNotFoundError(key)
    return result.state === 'persistent' ? null : result.seconds
  }

  /** Asks the cluster to bring in the node listening at `address` (like `serf join`). */
  async addNode (address: string): Promise<NodeId> {
    return await this.any<NodeId>({ op: 'addNode', address })
  }

  /** Gracefully removes a member: it announces `left`, stops taking requests and exits. */
  async removeNode (id: NodeId): Promise<void> {
    await this.any<void>({ op: 'removeNode', id })
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

  /** The member the client talks to for cluster-wide requests. */
  get contactNode (): NodeId {
    return this.router.cluster.self
  }

  async close (): Promise<void> {
    await this.connection.close()
  }

  /** Sends a single-key request to the key's owner, falling back to any other member (which forwards). */
  private async routed<T> (key: string, req: CacheRequest): Promise<T> {
    this.refreshIfStale()
    const owner = this.router.ownerOf(key) ?? this.router.cluster.self
    return await this.withFallback(owner, req)
  }

  /** A cluster-wide request, served by the contact node (or another member if it is gone). */
  private async any<T> (req: CacheRequest): Promise<T> {
    return await this.withFallback(this.router.cluster.self, req)
  }

  /**
   * Sends `req` to `first`; if that member cannot be reached, tries the other live members (which forward), all
   * within one deadline. Operations that must not run twice (incr, getset, addNode, removeNode) are retried only
   * after a refusal that proves they did not run: a timeout or a broken stream may come after the owner applied them.
   */
  private async withFallback<T> (first: NodeId, req: CacheRequest): Promise<T> {
    const deadline = performance.now() + this.timeoutMs
    const remaining = (): number => Math.max(1, deadline - performance.now())
    const retryable = (err: unknown): boolean => NOT_REPEATABLE.has(req.op) ? err instanceof NodeUnavailableError : isUnreachable(err)
    try {
      return await call<T>(this.connection.transport, first, req, remaining())
    } catch (err) {
      if (!retryable(err)) throw err
      for (const other of this.router.aliveMembers()) {
        if (other === first || performance.now() >= deadline) continue
        try {
          const result = await call<T>(this.connection.transport, other, req, remaining())
          void this.refreshFrom(other)
          return result
        } catch (retryErr) {
          if (!retryable(retryErr)) throw retryErr
        }
      }
      throw err
    }
  }

  /** Splits keys by owner, sends one request per owner in parallel, and returns per-key results in order. */
  private async perOwner<T> (keys: string[], makeRequest: (part: string[]) => CacheRequest): Promise<Array<KeyResult<T>>> {
    this.refreshIfStale()
    const results = new Array<KeyResult<T>>(keys.length)
    await Promise.all([...this.router.groupByOwner(keys)].map(async ([owner, indexes]) => {
      const part = indexes.map((i) => keys[i] as string)
      try {
        const partResults = await this.withFallback<Array<KeyResult<T>>>(owner, makeRequest(part))
        indexes.forEach((i, j) => { results[i] = partResults[j] as KeyResult<T> })
      } catch (err) {
        const error = { code: err instanceof CacheError ? err.code : 'ERR', message: (err as Error).message }
        indexes.forEach((i) => { results[i] = { key: keys[i] as string, ok: false, error } })
      }
    }))
    return results
  }

  /** Members join and die: a ring older than ringRefreshMs is refreshed in the background, off the request's path. */
  private refreshIfStale (): void {
    if (this.refreshing || Date.now() - this.learnedAt < this.ringRefreshMs) return
    this.refreshing = true
    void this.refreshFrom(this.router.cluster.self).finally(() => { this.refreshing = false })
  }

  private async refreshFrom (member: NodeId): Promise<void> {
    try {
      this.learn(await call<ClusterInfo>(this.connection.transport, member, { op: 'cluster' }, this.timeoutMs))
    } catch {
      // routing stays as it was; the next fallback tries again
    }
  }

  private learn (info: ClusterInfo): void {
    for (const m of info.members) this.connection.transport.addAddresses(m.id, m.addresses)
    this.router.update(info)
    this.learnedAt = Date.now()
  }
}

/** Operations whose effect a retry could apply twice. */
const NOT_REPEATABLE = new Set<CacheRequest['op']>(['incr', 'getset', 'addNode', 'removeNode'])

function isUnreachable (err: unknown): boolean {
  return err instanceof NetworkError || err instanceof NodeUnavailableError || err instanceof TimeoutError
}
