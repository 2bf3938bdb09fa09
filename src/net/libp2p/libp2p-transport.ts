import { Socket } from 'node:net'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { NetworkError, ProtocolError, TimeoutError } from '../../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../../config/defaults.js'
import { errorFromAbortSignal } from '../abort.js'
import { MAX_FRAME_BYTES, RPC_STREAM_PROTOCOL, RPC_STREAM_PROTOCOL_V1 } from '../constants.js'
import type { NodeId, RequestHandler, RequestOptions, Transport } from '../transport.js'
import { findHandshakeError } from './handshake.js'
import type { ClientHost } from './client-host.js'
import type { DcacheHost } from './host.js'
import { RpcChannel, type RpcStream } from '../rpc-channel.js'
import { emptyTransportStats, type TransportStats } from '../transport-stats.js'
import { WriteTurn } from '../write-turn.js'

const log = logger('dcache:net:transport')

type Subscriber = (from: NodeId, data: Uint8Array) => void

/** The RPC stream's versions, newest first: a dial gets the newest the peer speaks. */
const RPC_PROTOCOLS = [RPC_STREAM_PROTOCOL, RPC_STREAM_PROTOCOL_V1]

/** What a failed handshake with a reachable peer almost always means (see handshake.ts). */
const SWARM_KEY_HINT = 'does the cluster need a swarm key, or a different one?'

/** How often waitForTopicPeers looks for gossipsub's outbound streams, which raise no event of their own. */
const TOPIC_PEER_POLL_MS = 10

export interface Libp2pTransportInit {
  /** Deadline of a request (dial included) when the caller gives no signal, and the longest one anyway. @default REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number
  /** Largest frame body sent or accepted. @default MAX_FRAME_BYTES */
  maxFrameBytes?: number
  /** Inbound RPC streams accepted per connection (a well-behaved peer opens one). @default 4 */
  maxInboundStreams?: number
}

/**
 * The Transport over a libp2p host. Requests to a peer ride on one long-lived outbound stream of
 * `/dcache/rpc/2.0.0` (or 1.0.0, with a peer that speaks only that) per peer, the Transport protocol travelling as
 * each frame's `op`, many requests in flight;
 * frames queued in one event-loop turn go out in one write. publish/subscribe is gossipsub.
 * The transport owns the host: stop() stops both. Over a ClientHost (no gossipsub) it only sends requests.
 */
export class Libp2pTransport<Host extends DcacheHost | ClientHost = DcacheHost> implements Transport {
  readonly self: NodeId
  private readonly requestTimeoutMs: number
  private readonly maxFrameBytes: number
  private readonly maxInboundStreams: number
  private readonly handlers = new Map<string, RequestHandler>()
  private readonly subscribers = new Map<string, Set<Subscriber>>()
  /** Our outbound channel per peer, or the dial that is opening it (shared by concurrent callers). */
  private readonly outbound = new Map<NodeId, RpcChannel | Promise<RpcChannel>>()
  private readonly inbound = new Set<RpcChannel>()
  /** peerStore updates from addAddresses() that a dial to that peer must wait for. */
  private readonly addressUpdates = new Map<NodeId, Promise<void>>()
  private readonly statsCounters: TransportStats = emptyTransportStats()
  /** One per connection, shared by its inbound and outbound channels. */
  private readonly turns = new WeakMap<Connection, WriteTurn>()
  private started = false

  /** Absent on a ClientHost: publish and subscribe then throw. */
  private readonly pubsub?: GossipSub

  constructor (readonly host: Host, init: Libp2pTransportInit = {}) {
    this.self = host.peerId.toString()
    this.pubsub = 'pubsub' in host.services ? host.services.pubsub as GossipSub : undefined
    this.requestTimeoutMs = init.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
    this.maxFrameBytes = init.maxFrameBytes ?? MAX_FRAME_BYTES
    this.maxInboundStreams = init.maxInboundStreams ?? 4
  }

  /** Starts serving the RPC protocol and listening to gossipsub. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    await this.host.handle(RPC_PROTOCOLS, (stream, connection) => { this.acceptStream(stream, connection) }, {
      maxInboundStreams: this.maxInboundStreams
    })
    this.pubsub?.addEventListener('message', this.onPubsubMessage)
  }

  /** Closes every RPC stream (pending requests fail with NetworkError) and stops the host. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.pubsub?.removeEventListener('message', this.onPubsubMessage)
    await this.host.unhandle(RPC_PROTOCOLS).catch(() => {})
    const channels = [...this.inbound, ...[...this.outbound.values()].filter((c) => c instanceof RpcChannel)]
    await Promise.all(channels.map(async (channel) => { await channel.close() }))
    this.outbound.clear()
    this.inbound.clear()
    await this.host.stop()
  }

  stats (): TransportStats {
    return { ...this.statsCounters }
  }

  async request (to: NodeId, protocol: string, data: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    return await this.requestWithin(to, protocol, data, opts.timeoutMs ?? this.requestTimeoutMs, opts.signal)
  }

  /**
   * request() with its own deadline (capped at requestTimeoutMs), dial included. A deadline in milliseconds is
   * cheaper than an `AbortSignal.timeout()` per request, which cost a bench client a third of its CPU.
   */
  private requestWithin (to: NodeId, protocol: string, data: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (!this.started) return Promise.reject(new NetworkError('transport is stopped'))
    if (signal?.aborted === true) return Promise.reject(errorFromAbortSignal(signal))
    const deadlineMs = Math.min(timeoutMs, this.requestTimeoutMs)
    const existing = this.outbound.get(to)
    // The common case (an open channel) hands back the channel's own promise: no async wrapper per request.
    if (existing instanceof RpcChannel && existing.isOpen) return existing.request(protocol, data, deadlineMs, signal)
    return this.requestAfterDial(to, protocol, data, deadlineMs, signal)
  }

  private async requestAfterDial (to: NodeId, protocol: string, data: Uint8Array, deadlineMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    const startedAt = performance.now()
    const channel = await this.channelTo(to, signal)
    const left = deadlineMs - (performance.now() - startedAt)
    // A dial that used up the deadline must not send: the remote would act on a request its caller gave up on.
    if (left <= 0) throw new TimeoutError(`request to ${to} timed out while dialling (${deadlineMs} ms)`)
    return await channel.request(protocol, data, left, signal)
  }

  async handle (protocol: string, fn: RequestHandler): Promise<void> {
    this.handlers.set(protocol, fn)
  }

  async unhandle (protocol: string): Promise<void> {
    this.handlers.delete(protocol)
  }

  async publish (topic: string, data: Uint8Array): Promise<void> {
    try {
      await this.pubsubOrThrow().publish(topic, data)
    } catch (err) {
      throw new NetworkError(`publish to ${topic} failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  subscribe (topic: string, fn: Subscriber): () => void {
    const pubsub = this.pubsubOrThrow()
    let set = this.subscribers.get(topic)
    if (set === undefined) {
      this.subscribers.set(topic, set = new Set())
      pubsub.subscribe(topic)
    }
    set.add(fn)
    return () => {
      set.delete(fn)
      if (set.size > 0 || this.subscribers.get(topic) !== set) return
      this.subscribers.delete(topic)
      pubsub.unsubscribe(topic)
    }
  }

  /**
   * Resolves once `n` peers subscribed to `topic` would get our next publish. A publish right after a dial is lost
   * (FACTS 4c): gossipsub sends only to peers whose subscription it has seen and to which its own outbound stream
   * is open, and it signals only the first. So this checks on every subscription change and polls for the streams.
   */
  async waitForTopicPeers (topic: string, n = 1, signal?: AbortSignal): Promise<void> {
    if (this.publishablePeers(topic) >= n) return
    if (signal?.aborted === true) throw errorFromAbortSignal(signal)
    const pubsub = this.pubsubOrThrow()
    await new Promise<void>((resolve, reject) => {
      let poll: ReturnType<typeof setTimeout> | undefined
      const done = (err?: Error): void => {
        clearTimeout(poll)
        pubsub.removeEventListener('subscription-change', check)
        signal?.removeEventListener('abort', onAbort)
        if (err === undefined) resolve()
        else reject(err)
      }
      const check = (): void => {
        clearTimeout(poll)
        if (this.publishablePeers(topic) >= n) done()
        else poll = setTimeout(check, TOPIC_PEER_POLL_MS)
      }
      const onAbort = (): void => { if (signal !== undefined) done(errorFromAbortSignal(signal)) }
      pubsub.addEventListener('subscription-change', check)
      signal?.addEventListener('abort', onAbort, { once: true })
      check()
    })
  }

  /** Subscribers of `topic` to which gossipsub has an outbound stream, i.e. that a publish now would reach. */
  private publishablePeers (topic: string): number {
    const pubsub = this.pubsubOrThrow()
    const protocols = new Set(pubsub.protocols)
    return pubsub.getSubscribers(topic).filter((peer) => this.host.getConnections(peer).some((connection) =>
      connection.streams.some((stream) => stream.direction === 'outbound' && protocols.has(stream.protocol)))).length
  }

  private pubsubOrThrow (): GossipSub {
    if (this.pubsub === undefined) throw new NetworkError('this host has no gossipsub (a client host only sends requests)')
    return this.pubsub
  }

  addresses (): string[] {
    return this.host.getMultiaddrs().map((addr) => addr.toString())
  }

  /** Never throws: ids and addresses come from other members, and a bad one is logged and skipped. */
  addAddresses (id: NodeId, addrs: string[]): void {
    let peer: ReturnType<typeof peerIdFromString>
    try {
      peer = peerIdFromString(id)
    } catch (err) {
      log.error('ignoring addresses of an invalid peer id %s: %e', id, err)
      return
    }
    const valid = addrs.flatMap((a) => {
      try {
        return [multiaddr(a)]
      } catch {
        log.error('ignoring an invalid address of %s: %s', id, a)
        return []
      }
    })
    const update = this.host.peerStore.merge(peer, { multiaddrs: valid })
      .then(() => {}, (err: unknown) => { log.error('could not store addresses of %s: %e', id, err) })
      .finally(() => { if (this.addressUpdates.get(id) === update) this.addressUpdates.delete(id) })
    this.addressUpdates.set(id, update)
  }

  async connect (addr: string, opts: RequestOptions = {}): Promise<NodeId> {
    const signal = opts.signal ?? AbortSignal.timeout(this.requestTimeoutMs)
    try {
      const connection = await this.host.dial(multiaddr(addr), { signal })
      return connection.remotePeer.toString()
    } catch (err) {
      if (findHandshakeError(err) !== undefined) throw new NetworkError(`handshake failed with ${addr}: ${SWARM_KEY_HINT}`)
      if (signal.aborted) {
        const aborted = errorFromAbortSignal(signal)
        throw aborted instanceof TimeoutError ? new TimeoutError(`cannot reach ${addr}: ${aborted.message}`) : aborted
      }
      throw new NetworkError(`cannot reach ${addr}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  /** The open outbound channel to `to`, dialling once for all concurrent callers; each waits with its own signal. */
  private async channelTo (to: NodeId, signal?: AbortSignal): Promise<RpcChannel> {
    let entry = this.outbound.get(to)
    if (entry === undefined || (entry instanceof RpcChannel && !entry.isOpen)) {
      const opening = this.openChannel(to)
      this.outbound.set(to, opening)
      opening.then(
        (channel) => { if (this.outbound.get(to) === opening) this.outbound.set(to, channel) },
        () => { if (this.outbound.get(to) === opening) this.outbound.delete(to) }
      )
      entry = opening
    }
    if (entry instanceof RpcChannel) return entry
    return await raceAbort(entry, signal)
  }

  private async openChannel (to: NodeId): Promise<RpcChannel> {
    let peer: PeerId
    try {
      peer = peerIdFromString(to)
    } catch {
      throw new NetworkError(`not a peer id: ${to}`)
    }
    await this.addressUpdates.get(to)
    let connection: Connection
    let stream: Stream
    try {
      const signal = AbortSignal.timeout(this.requestTimeoutMs)
      connection = await this.host.dial(peer, { signal })
      stream = await connection.newStream(RPC_PROTOCOLS, { signal })
    } catch (err) {
      const reason = findHandshakeError(err) !== undefined ? `handshake failed: ${SWARM_KEY_HINT}` : err instanceof Error ? err.message : String(err)
      throw new NetworkError(`cannot reach ${to}: ${reason}`)
    }
    if (!this.started) {
      stream.abort(new NetworkError('transport stopped'))
      throw new NetworkError('transport is stopped')
    }
    return this.createChannel(stream, connection, to, (channel) => {
      if (this.outbound.get(to) === channel) this.outbound.delete(to)
    })
  }

  private acceptStream (stream: Stream, connection: Connection): void {
    const channel = this.createChannel(stream, connection, connection.remotePeer.toString(), (c) => { this.inbound.delete(c) })
    this.inbound.add(channel)
  }

  private createChannel (stream: Stream, connection: Connection, remote: NodeId, onClose: (channel: RpcChannel) => void): RpcChannel {
    let turn = this.turns.get(connection)
    if (turn === undefined) this.turns.set(connection, turn = new WriteTurn(tcpSocketOf(connection)))
    return new RpcChannel({
      stream: rpcStreamOf(stream),
      format: stream.protocol === RPC_STREAM_PROTOCOL_V1 ? 'msgpack' : 'binary',
      remote,
      maxFrameBytes: this.maxFrameBytes,
      stats: this.statsCounters,
      turn,
      serve: this.serve,
      onClose
    })
  }

  /** The handler's own promise: no async wrapper, so no extra microtask hops per request. */
  private readonly serve = (from: NodeId, op: string, data: Uint8Array): Promise<Uint8Array> => {
    const handler = this.handlers.get(op)
    if (handler === undefined) {
      this.statsCounters.unknownOps++
      return Promise.reject(new ProtocolError(`no handler for ${op} on ${this.self}`))
    }
    try {
      return handler(from, data)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  private readonly onPubsubMessage = (evt: CustomEvent<Message>): void => {
    const message = evt.detail
    const set = this.subscribers.get(message.topic)
    if (set === undefined || message.type !== 'signed') return
    const from = message.from.toString()
    for (const fn of [...set]) fn(from, message.data)
  }
}

/** `promise`, or the signal's error if it fires first (the promise itself carries on for other callers). */
async function raceAbort<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return await promise
  if (signal.aborted) throw errorFromAbortSignal(signal)
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(errorFromAbortSignal(signal)) }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

/** A libp2p stream as an RPC channel sees it. */
function rpcStreamOf (stream: Stream): RpcStream {
  return {
    get writable () { return stream.writeStatus === 'writable' },
    // a false return only means the muxer wants a drain: the stream buffers what we sent
    send: (data) => { stream.send(data) },
    close: async (signal) => { await stream.close({ signal }) },
    abort: (err) => { stream.abort(err) },
    listen: (events) => {
      stream.addEventListener('message', (evt) => { events.data(evt.data) })
      stream.addEventListener('remoteCloseWrite', () => { events.remoteCloseWrite() })
      stream.addEventListener('close', (evt) => { events.closed(evt.error) })
    }
  }
}

/**
 * The TCP socket under a libp2p connection. libp2p exposes no API for it: this reads the field of @libp2p/tcp's
 * connection that holds it, and gives undefined (no corking, nothing else changes) if that ever moves.
 */
function tcpSocketOf (connection: Connection): Socket | undefined {
  const socket = (connection as unknown as { maConn?: { socket?: unknown } }).maConn?.socket
  return socket instanceof Socket ? socket : undefined
}
