import { errorFromWire, errorToWire, NetworkError, ProtocolError, TimeoutError, type CacheError } from '../common/errors.js'
import { errorFromAbortSignal } from './abort.js'
import { encodeFrameParts, FrameDecoder, isRequestFrame, joinParts, type Frame, type FrameFormat, type RequestFrame, type ResponseFrame } from './codec.js'
import type { NodeId } from './transport.js'
import type { TransportStats } from './transport-stats.js'
import type { WriteTurn } from './write-turn.js'

/** How long a graceful close may wait for the peer before the stream is reset. */
const CLOSE_TIMEOUT_MS = 1000

/** Serves one inbound request: the handler's response, or a thrown error that goes back to the caller. */
export type ServeRequest = (from: NodeId, op: string, data: Uint8Array) => Promise<Uint8Array>

/** What a channel needs to hear from its stream. */
export interface RpcStreamEvents {
  /** Bytes arrived, as one chunk or a list of chunks. */
  data: (data: Uint8Array | Iterable<Uint8Array>) => void
  /** The remote will send nothing more but may still read. */
  remoteCloseWrite: () => void
  /** The stream is gone, with the reason if it failed. */
  closed: (error?: Error) => void
}

/** A duplex byte stream as a channel uses it: a libp2p stream, or a node's local socket. */
export interface RpcStream {
  /** Frames can still be sent. */
  readonly writable: boolean
  /** Queues bytes; throws if the stream cannot take them. */
  send(data: Uint8Array): void
  /** Half-closes our side once what was sent is out; rejects if `signal` fires first. */
  close(signal: AbortSignal): Promise<void>
  /** Ends the stream at once, both ways. */
  abort(err: Error): void
  /** Called once, by the channel, to get the stream's events. */
  listen(events: RpcStreamEvents): void
}

export interface RpcChannelInit {
  stream: RpcStream
  /** How this channel writes its requests (it reads both, and answers each request in the format it came in). */
  format: FrameFormat
  remote: NodeId
  maxFrameBytes: number
  stats: TransportStats
  /** The end of the event-loop turn on the stream's connection, shared with the connection's other channels. */
  turn: WriteTurn
  serve: ServeRequest
  /** Called once, when the stream is gone for whatever reason. */
  onClose: (channel: RpcChannel) => void
}

interface PendingRequest {
  resolve: (data: Uint8Array) => void
  reject: (err: CacheError) => void
  op: string
  timeoutMs: number
  /** performance.now() after which the request fails with TimeoutError. */
  expiresAt: number
  signal?: AbortSignal
  onAbort?: () => void
}

/**
 * One long-lived stream carrying RPC frames both ways: our requests and their responses, and the remote's
 * requests and our responses. Frames queued in the same event-loop turn go out in one write at the end of the
 * turn, since the cost on this path is per message, not per byte (FACTS section 8).
 */
export class RpcChannel {
  private readonly stream: RpcStream
  private readonly decoder: FrameDecoder
  private readonly pending = new Map<number, PendingRequest>()
  /** Parts of the frames queued this turn, each copied once into the turn's one write. */
  private outbox: Uint8Array[] = []
  private queuedFrames = 0
  /** One timer per channel, set for the earliest deadline in `pending`, instead of a timer per request. */
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined
  private deadlineAt = Infinity
  private nextRequestId = 0
  /** Inbound requests whose handler has not answered yet. */
  private serving = 0
  /** No new requests: the stream is gone, or the remote has finished sending. */
  private closed = false
  /** The remote has half-closed: close our side once the last response is out. */
  private closeWhenServed = false

  constructor (private readonly init: RpcChannelInit) {
    this.stream = init.stream
    this.decoder = new FrameDecoder(init.maxFrameBytes)
    init.stats.streamsOpened++
    this.stream.listen({
      data: (data) => { this.onData(data) },
      remoteCloseWrite: () => { this.onRemoteCloseWrite() },
      closed: (error) => { this.onClosed(new NetworkError(`stream to ${init.remote} closed${error === undefined ? '' : `: ${error.message}`}`)) }
    })
  }

  get remote (): NodeId {
    return this.init.remote
  }

  get isOpen (): boolean {
    return !this.closed && this.stream.writable
  }

  /**
   * Sends one request; settles with the response, the remote error, or TimeoutError/AbortError/NetworkError.
   * Not async: the caller awaits the pending promise itself, one microtask hop fewer per request.
   */
  request (op: string, data: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (!this.isOpen) return Promise.reject(new NetworkError(`stream to ${this.remote} is closed`))
    if (signal?.aborted === true) return Promise.reject(errorFromAbortSignal(signal))
    const id = this.nextRequestId
    this.nextRequestId = (this.nextRequestId + 1) >>> 0
    let parts: Uint8Array[]
    try {
      parts = encodeFrameParts({ id, op, data, deadline: timeoutMs }, this.init.format, this.init.maxFrameBytes)
    } catch (err) {
      return Promise.reject(err)
    }
    this.init.stats.requestsOut++
    return new Promise<Uint8Array>((resolve, reject) => {
      const expiresAt = performance.now() + timeoutMs
      const entry: PendingRequest = { resolve, reject, op, timeoutMs, expiresAt }
      if (expiresAt < this.deadlineAt) this.armDeadline(expiresAt)
      if (signal !== undefined) {
        entry.signal = signal
        entry.onAbort = () => { this.fail(id, errorFromAbortSignal(signal)) }
        signal.addEventListener('abort', entry.onAbort, { once: true })
      }
      this.pending.set(id, entry)
      this.enqueue(parts)
    })
  }

  /**
   * Half-closes our side gracefully; pending requests fail with NetworkError. A peer that stopped reading would
   * keep a graceful close waiting forever, so after CLOSE_TIMEOUT_MS the stream is reset instead.
   */
  async close (): Promise<void> {
    this.onClosed(new NetworkError(`stream to ${this.remote} closed locally`))
    await this.stream.close(AbortSignal.timeout(CLOSE_TIMEOUT_MS))
      .catch((err: unknown) => { this.stream.abort(err instanceof Error ? err : new Error(String(err))) })
  }

  private onData (data: Uint8Array | Iterable<Uint8Array>): void {
    // yamux answers this data with a window update as soon as we return: let it leave with our next flush.
    this.init.turn.hold()
    let frames: Frame[]
    try {
      if (data instanceof Uint8Array) frames = this.decoder.push(data)
      else {
        frames = []
        for (const chunk of data) frames.push(...this.decoder.push(chunk))
      }
    } catch (err) {
      this.rejectMalformed(err instanceof Error ? err : new ProtocolError(String(err)))
      return
    }
    this.init.stats.framesIn += frames.length
    for (const frame of frames) {
      if (isRequestFrame(frame)) this.serve(frame)
      else this.settle(frame)
    }
  }

  private onRemoteCloseWrite (): void {
    if (this.decoder.buffered > 0) {
      this.rejectMalformed(new ProtocolError(`stream from ${this.remote} ended inside a frame`))
      return
    }
    // The remote sends nothing more (so no responses to our requests), but still reads: answer what it asked, then close.
    this.onClosed(new NetworkError(`stream to ${this.remote} closed by the remote`))
    this.closeWhenServed = true
    this.closeIfServed()
  }

  private closeIfServed (): void {
    if (!this.closeWhenServed || this.serving > 0) return
    this.flush()
    this.stream.close(AbortSignal.timeout(CLOSE_TIMEOUT_MS)).catch((err: unknown) => { this.stream.abort(err instanceof Error ? err : new Error(String(err))) })
  }

  private rejectMalformed (err: Error): void {
    this.init.stats.malformedFrames++
    this.onClosed(new NetworkError(`stream to ${this.remote} ended: ${err.message}`))
    this.stream.abort(err)
  }

  private serve (frame: RequestFrame): void {
    this.init.stats.requestsIn++
    this.serving++
    const expiresAt = performance.now() + frame.deadline
    const format = frame.format ?? this.init.format
    const answer = (response: ResponseFrame): void => {
      this.serving--
      this.respond(response, format, expiresAt)
      this.closeIfServed()
    }
    this.init.serve(this.remote, frame.op, frame.data).then(
      (ok) => { answer({ id: frame.id, ok }) },
      (err: unknown) => { answer({ id: frame.id, error: errorToWire(err) }) }
    )
  }

  private respond (frame: ResponseFrame, format: FrameFormat, expiresAt: number): void {
    if (!this.stream.writable) return
    if (performance.now() > expiresAt) {
      this.init.stats.lateResponsesDropped++
      return
    }
    let parts: Uint8Array[]
    try {
      parts = encodeFrameParts(frame, format, this.init.maxFrameBytes)
    } catch (err) {
      parts = encodeFrameParts({ id: frame.id, error: errorToWire(err) }, format, this.init.maxFrameBytes)
    }
    this.enqueue(parts)
  }

  private settle (frame: ResponseFrame): void {
    const entry = this.take(frame.id)
    if (entry === undefined) return // already timed out or aborted
    if ('ok' in frame) entry.resolve(frame.ok)
    else entry.reject(errorFromWire(frame.error))
  }

  private enqueue (parts: Uint8Array[]): void {
    if (this.outbox.length === 0) this.init.turn.schedule(this.flush)
    for (const part of parts) this.outbox.push(part)
    this.queuedFrames++
  }

  private readonly flush = (): void => {
    if (this.outbox.length === 0 || !this.stream.writable) return
    const parts = this.outbox
    this.outbox = []
    this.init.stats.framesOut += this.queuedFrames
    this.queuedFrames = 0
    this.init.stats.writes++
    try {
      this.stream.send(joinParts(parts))
    } catch (err) {
      this.onClosed(new NetworkError(`write to ${this.remote} failed: ${err instanceof Error ? err.message : String(err)}`))
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private armDeadline (at: number): void {
    clearTimeout(this.deadlineTimer)
    this.deadlineAt = at
    this.deadlineTimer = setTimeout(this.expireRequests, Math.max(0, at - performance.now()))
  }

  /** Fails the requests whose deadline has passed and sets the timer for the next one. */
  private readonly expireRequests = (): void => {
    this.deadlineTimer = undefined
    this.deadlineAt = Infinity
    const now = performance.now()
    let next = Infinity
    for (const [id, entry] of this.pending) {
      if (entry.expiresAt <= now) this.fail(id, new TimeoutError(`request ${entry.op} to ${this.remote} timed out after ${entry.timeoutMs} ms`))
      else next = Math.min(next, entry.expiresAt)
    }
    if (next < Infinity) this.armDeadline(next)
  }

  private fail (id: number, err: CacheError): void {
    this.take(id)?.reject(err)
  }

  private take (id: number): PendingRequest | undefined {
    const entry = this.pending.get(id)
    if (entry === undefined) return undefined
    this.pending.delete(id)
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort)
    return entry
  }

  private onClosed (err: NetworkError): void {
    if (this.closed) return
    this.closed = true
    this.init.stats.streamsClosed++
    clearTimeout(this.deadlineTimer)
    this.deadlineTimer = undefined
    for (const id of [...this.pending.keys()]) this.fail(id, err)
    this.init.onClose(this)
  }
}
