/**
 * The client protocol: cache operations from clients (and from members passing on a read-modify-write to the key's
 * coordinator), shared by the node (server) and the client. Values travel as msgpack bytes (encodeValue) and nodes
 * store them unchanged. Replica traffic between members has its own protocol (replication/replica-service.ts).
 * APPEND ONLY: op names and field names are on the wire.
 */
import type { ConsistencyLevel } from '../config/index.js'
import type { NodeId } from '../net/transport.js'
import type { VersionVector } from '../replication/index.js'
import type { RingSnapshot } from '../ring/index.js'

/**
 * The Transport protocol of cache operations. On libp2p it travels as the `op` of frames on the one RPC stream per
 * peer (`/dcache/rpc/2.0.0`, or 1.0.0 with an older peer), next to SWIM's and the replica protocol; its payloads are
 * request-codec.ts's. Version 2: per-request levels, session times and versioned replies.
 */
export const CACHE_PROTOCOL = '/dcache/cache/2.0.0'

/** Requests one batch may carry. */
export const MAX_BATCH_OPS = 10_000

/** Options every keyed request may carry. */
export interface RequestOptions {
  /** Replicas to wait for; omitted = the node's readConsistency / writeConsistency / consistency. */
  consistency?: ConsistencyLevel
  /**
   * Session guarantee: the newest write time of this key (of each key, for mget) the caller has already seen; a
   * replica holding anything older is not used for the answer.
   */
  minTs?: number | number[]
  /** Times a member passed this request on to the key's coordinator (a read-modify-write goes at most one hop). */
  hops?: number
}

export type CacheRequest = RequestOptions & (
  | { op: 'get', key: string, siblings?: boolean }
  | { op: 'put', key: string, value: Uint8Array, ttl?: number, context?: VersionVector }
  | { op: 'delete', keys: string[] }
  | { op: 'exists', key: string }
  | { op: 'clear' }
  | { op: 'mget', keys: string[] }
  | { op: 'mput', entries: Array<[string, Uint8Array]>, ttl?: number }
  | { op: 'incr', key: string, delta: number | bigint }
  | { op: 'getset', key: string, value: Uint8Array, ttl?: number }
  | { op: 'touch', key: string, ttl: number }
  | { op: 'ttl', key: string }
  | { op: 'stats' }
  | { op: 'cluster' }
  | { op: 'addNode', address: string }
  | { op: 'removeNode', id: NodeId }
  | { op: 'events', since?: number }
  | { op: 'forgetNode', id: string }
  // a pipeline: keyed requests served together, answered in order, each with its own result or error (no nesting)
  | { op: 'batch', ops: CacheRequest[] }
)

export type CacheOp = CacheRequest['op']

/** The version part of every keyed reply: the newest write time of the key the answer reflects (0: none). */
export interface Versioned { ts: number }

/**
 * A read's answer: the value (null on a miss) and, when concurrent writes were kept as siblings, every value and the
 * context that a put must carry to resolve them.
 */
export interface GetReply extends Versioned {
  value: Uint8Array | null
  siblings?: Uint8Array[]
  context?: VersionVector
}

/** A write's answer: its time and how many replicas stored it. */
export interface WriteReply extends Versioned { acked: number }

/** A delete's answer per key: whether a replica held the key, the tombstone's time. */
export interface DeleteReply extends WriteReply { existed: boolean }

/** getTtl's three cases on the wire: no such key, no expiry, seconds left. */
export type TtlResult = Versioned & ({ state: 'missing' } | { state: 'persistent' } | { state: 'expiring', seconds: number })

/** A keyed answer with the key's time (incr: the new value; getset: the old value's bytes or null; touch, exists: whether it was there). */
export interface Reply<T> extends Versioned { value: T }

/** Per-key outcome of a multi-key operation: the value (or presence), or the error that key met. */
export type KeyResult<T> = { key: string, ok: true, value: T } | { key: string, ok: false, error: { code: string, message: string, details?: Record<string, unknown> } }

/** The write time a reply carries (the newest of a multi-key reply's), 0 when it carries none. */
export function replyTs (reply: unknown): number {
  if (Array.isArray(reply)) return Math.max(0, ...reply.map((r: KeyResult<Versioned>) => r.ok ? r.value?.ts ?? 0 : 0))
  return (reply as Partial<Versioned> | null)?.ts ?? 0
}

/** A batch's answer per request, in order: the request's reply or its error. */
export type BatchResult = { ok: true, value: unknown } | { ok: false, error: { code: string, message: string, details?: Record<string, unknown> } }

/** One member as nodes report it to clients and the CLI. */
export interface MemberView {
  id: NodeId
  name: string
  addresses: string[]
  state: 'alive' | 'suspect' | 'dead' | 'left'
  incarnation: number
  vnodes: number
  /** Share of the ring this member owns, 0..1. */
  ownership: number
  /** Clock time of the last ack from it, as seen by the reporting node; undefined for itself or never. */
  lastAckAt?: number
  /** Round-trip time of the last probe in ms (whole ms on the system clock). */
  rttMs?: number
}

/** What `forgetNode` returns: the member forgotten, as it was (dead or left). */
export interface ForgetReply { id: NodeId, name: string, state: 'dead' | 'left' }

/** What `cluster` returns: who answered, the members it knows, its ring and the cluster's replication factor. */
export interface ClusterInfo {
  self: NodeId
  members: MemberView[]
  ring: RingSnapshot
  /** Replicas per key as configured (N); a key has fewer while the ring has fewer members. */
  replicationFactor: number
  /** The cluster's input limits, so that a client refuses a bad key or value before it sends any part of a request. */
  limits?: InputLimits
}

/** maxKeyBytes and maxValueBytes of the answering member (every member is meant to share them). */
export interface InputLimits { maxKeyBytes: number, maxValueBytes: number }
