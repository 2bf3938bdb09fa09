/**
 * The cache operations carried by `/dcache/rpc/1.0.0`, shared by the node (server) and the client.
 * Values travel as msgpack bytes (encodeValue) and nodes store them unchanged.
 * APPEND ONLY: op names and field names are on the wire.
 */
import type { NodeId } from '../net/transport.js'

export const RPC_PROTOCOL = '/dcache/rpc/1.0.0'

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
  | { op: 'incr', key: string, delta: number }
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
