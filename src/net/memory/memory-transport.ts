import type { TimerId } from '../../common/clock.js'
import { errorFromWire, errorToWire, NetworkError, ProtocolError, TimeoutError, type CacheError, type WireError } from '../../common/errors.js'
import { errorFromAbortSignal } from '../abort.js'
import type { NodeId, RequestHandler, RequestOptions, Transport } from '../transport.js'
import type { MemoryNetwork } from './memory-network.js'

type Subscriber = (from: NodeId, data: Uint8Array) => void
type Outcome = { ok: Uint8Array } | { error: WireError }

interface PendingRequest {
  to: NodeId
  resolve: (data: Uint8Array) => void
  reject: (err: CacheError) => void
  timer: TimerId
  signal?: AbortSignal
  onAbort?: () => void
}

/** One node's view of a MemoryNetwork. Bytes are copied on every hop, as a real wire would. */
export class MemoryTransport implements Transport {
  private readonly handlers = new Map<string, RequestHandler>()
  private readonly subscribers = new Map<string, Set<Subscriber>>()
  private readonly pending = new Map<number, PendingRequest>()
  private nextRequestId = 1
  private closed = false

  constructor (readonly self: NodeId, private readonly network: MemoryNetwork) {}

  async publish (topic: string, data: Uint8Array): Promise<void> {
    if (this.closed) return
    for (const peer of this.network.peersOf(this.self)) {
      if (!peer.subscribers.has(topic)) continue
      const copy = data.slice()
      this.network.send(this.self, peer.self, () => { peer.deliver(topic, this.self, copy) })
    }
  }

  subscribe (topic: string, fn: Subscriber): () => void {
    let set = this.subscribers.get(topic)
    if (set === undefined) this.subscribers.set(topic, set = new Set())
    set.add(fn)
    return () => {
      set.delete(fn)
      if (set.size === 0 && this.subscribers.get(topic) === set) this.subscribers.delete(topic)
    }
  }

  async request (to: NodeId, protocol: string, data: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    const { signal } = opts
    const timeoutMs = Math.min(opts.timeoutMs ?? this.network.requestTimeoutMs, this.network.requestTimeoutMs)
    if (this.closed) throw new NetworkError(`${this.self} is stopped`)
    if (signal?.aborted === true) throw errorFromAbortSignal(signal)
    return await new Promise<Uint8Array>((resolve, reject) => {
      const id = this.nextRequestId++
      const timer = this.network.clock.setTimeout(() => {
        this.fail(id, new TimeoutError(`request to ${to} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      const entry: PendingRequest = { to, resolve, reject, timer }
      if (signal !== undefined) {
        entry.signal = signal
        entry.onAbort = () => { this.fail(id, errorFromAbortSignal(signal)) }
        signal.addEventListener('abort', entry.onAbort, { once: true })
      }
      this.pending.set(id, entry)
      const target = this.network.transportOf(to)
      if (target === undefined) {
        this.network.afterLatency(() => { this.fail(id, new NetworkError(`no route to ${to}`)) })
        return
      }
      const copy = data.slice()
      this.network.send(this.self, to, () => { target.serve(this, id, protocol, copy) })
    })
  }

  async handle (protocol: string, fn: RequestHandler): Promise<void> {
    this.handlers.set(protocol, fn)
  }

  async unhandle (protocol: string): Promise<void> {
    this.handlers.delete(protocol)
  }

  addresses (): string[] {
    return [this.self]
  }

  /** Nothing to remember: every node on a MemoryNetwork is addressed by its id. */
  addAddresses (_id: NodeId, _addrs: string[]): void {}

  async connect (addr: string, opts: RequestOptions = {}): Promise<NodeId> {
    if (opts.signal?.aborted === true) throw errorFromAbortSignal(opts.signal)
    await new Promise<void>((resolve) => { this.network.afterLatency(resolve) })
    if (!this.network.reachable(this.self, addr)) throw new NetworkError(`cannot connect to ${addr}`)
    return addr
  }

  /** Stops this node as if its process died (same as network.remove(self)). */
  async stop (): Promise<void> {
    this.network.remove(this.self)
  }

  /** Called by the network on remove(): fails what is in flight and refuses further work. */
  close (): void {
    this.closed = true
    this.subscribers.clear()
    this.handlers.clear()
    for (const id of [...this.pending.keys()]) this.fail(id, new NetworkError(`${this.self} is stopped`))
  }

  /** Called by the network when `id` dies: its connection is gone, so requests to it fail now. */
  peerDied (id: NodeId): void {
    for (const [requestId, entry] of [...this.pending]) {
      if (entry.to === id) this.fail(requestId, new NetworkError(`connection to ${id} lost`))
    }
  }

  private serve (from: MemoryTransport, requestId: number, protocol: string, data: Uint8Array): void {
    const reply = (outcome: Outcome): void => {
      this.network.send(this.self, from.self, () => { from.settle(requestId, outcome) })
    }
    const handler = this.handlers.get(protocol)
    if (handler === undefined) {
      reply({ error: errorToWire(new ProtocolError(`no handler for ${protocol} on ${this.self}`)) })
      return
    }
    handler(from.self, data).then(
      (result) => { reply({ ok: result.slice() }) },
      (err: unknown) => { reply({ error: errorToWire(err) }) }
    )
  }

  private deliver (topic: string, from: NodeId, data: Uint8Array): void {
    for (const fn of [...this.subscribers.get(topic) ?? []]) fn(from, data)
  }

  private settle (requestId: number, outcome: Outcome): void {
    const entry = this.take(requestId)
    if (entry === undefined) return
    if ('ok' in outcome) entry.resolve(outcome.ok)
    else entry.reject(errorFromWire(outcome.error))
  }

  private fail (requestId: number, err: CacheError): void {
    this.take(requestId)?.reject(err)
  }

  private take (requestId: number): PendingRequest | undefined {
    const entry = this.pending.get(requestId)
    if (entry === undefined) return undefined
    this.pending.delete(requestId)
    this.network.clock.clearTimeout(entry.timer)
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort)
    return entry
  }
}
