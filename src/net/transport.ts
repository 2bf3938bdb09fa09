/**
 * The network as the layers above net/ see it. Two implementations: net/libp2p (real) and net/memory
 * (in-process, on an injected clock, for deterministic tests and simulations).
 */
import type { TransportStats } from './transport-stats.js'

/** A member's identity: the string form of its libp2p PeerId (or any unique string in memory). */
export type NodeId = string

/** A member's multiaddr with its /p2p/ID, as a dial that checks the peer's identity needs it. */
export function withPeerId (address: string, id: NodeId): string {
  return address.includes('/p2p/') ? address : `${address}/p2p/${id}`
}

export interface RequestOptions {
  signal?: AbortSignal
  /**
   * Deadline in milliseconds, capped at the transport's own request timeout. Cheaper than an
   * `AbortSignal.timeout()` per request (a timer, a signal and listeners each time) on hot paths.
   */
  timeoutMs?: number
}

/**
 * Handles one request from `from` and returns the response bytes; a thrown error goes back to the caller. `data` may
 * be a view of the bytes received: decode it, do not keep it. The response is copied into the write at the end of
 * the event-loop turn, so it must not change until then (fresh bytes, not a buffer that is reused).
 */
export type RequestHandler = (from: NodeId, data: Uint8Array) => Promise<Uint8Array>

export interface Transport {
  readonly self: NodeId
  /** Best-effort broadcast to every subscriber of `topic` (gossipsub on libp2p). */
  publish(topic: string, data: Uint8Array): Promise<void>
  /** Returns an unsubscribe function. */
  subscribe(topic: string, fn: (from: NodeId, data: Uint8Array) => void): () => void
  /**
   * One request/response to `to` on `protocol`. Rides on a long-lived stream per peer with many requests in
   * flight; rejects with NetworkError, TimeoutError or AbortError, or the remote handler's error. `data` is copied
   * when the turn's write goes out, so it must not change until then.
   */
  request(to: NodeId, protocol: string, data: Uint8Array, opts?: RequestOptions): Promise<Uint8Array>
  handle(protocol: string, fn: RequestHandler): Promise<void>
  /** This node's own addresses as it announces them (multiaddrs with /p2p/<id> on libp2p). */
  addresses(): string[]
  /** Remembers where a member can be reached, so later requests to it can dial. */
  addAddresses(id: NodeId, addrs: string[]): void
  /** Connects to an address and returns the id of the node there (used to join through a seed). */
  connect(addr: string, opts?: RequestOptions): Promise<NodeId>
  unhandle(protocol: string): Promise<void>
  /** Frames, writes and requests so far, where the transport counts them (libp2p does; the in-memory one does not). */
  stats?(): TransportStats
}

/** What a client needs of a transport: requests, and where members can be reached. */
export type ClientTransport = Pick<Transport, 'request' | 'addAddresses'>
