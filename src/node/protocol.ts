/**
 * The cache operations carried by `/dcache/rpc/1.0.0`, shared by the node (server) and the client.
 * Values travel as msgpack bytes (encodeValue) and nodes store them unchanged.
 * APPEND ONLY: op names and field names are on the wire.
 */
import type { NodeId } from '../net/transport.js'
import type { RingSnapshot } from '../ring/index.js'

/**
 * The Transport protocol of cache operations. On libp2p it travels as the `op` of frames on the one
 * `/dcache/rpc/1.0.0` stream per peer, next to SWIM's `/dcache/swim/1.0.0`.
 */
export const CACHE_PROTOCOL = '/dcache/cache/1.0.0'

/** Set on a request that must be served by the receiving node itself (already routed, or a fan-out leg). */
interface Routed { local?: boolean }

export type CacheRequest = Routed & (
  | { op: 'get', key: string }
  | { op: 'put', key: string, value: Uint8Array, ttl?: number }
  | { op: 'delete', keys: string[] }
  | { op: 'exists', key: string }
  | { op: 'clear' }
  | { op: 'mget', keys: string[] }
  | { op: 'mput', entries: Array<[string, Uint8Array]>, ttl?: number }
  | { op: 'incr', key: string, delta: number | bigint }
  | { op: 'getset', key: string, value: Uint8Array }
  | { op: 'touch', key: string, ttl: number }
  | { op: 'ttl', key: string }
  | { op: 'stats' }
  | { op: 'cluster' }
  | { op: 'addNode', address: string }
  | { op: 'removeNode', id: NodeId }
  | { op: 'events', since?: number }
)

export type CacheOp = CacheRequest['op']

/** getTtl's three cases on the wire: no such key, no expiry, seconds left. */
export type TtlResult = { state: 'missing' } | { state: 'persistent' } | { state: 'expiring', seconds: number }

/** Per-key outcome of a multi-key operation: the value (or presence), or the error that key met. */
export type KeyResult<T> = { key: string, ok: true, value: T } | { key: string, ok: false, error: { code: string, message: string } }

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
  /** Round-trip time of the last probe in ms. */
  rttMs?: number
}

/** What `cluster` returns: who answered, the members it knows, and its ring. */
export interface ClusterInfo {
  self: NodeId
  members: MemberView[]
  ring: RingSnapshot
}
