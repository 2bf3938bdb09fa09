import type { Clock } from '../../common/clock.js'
import { ConfigurationError } from '../../common/errors.js'
import type { Random } from '../../common/random.js'
import { REQUEST_TIMEOUT_MS } from '../../config/defaults.js'
import type { NodeId } from '../transport.js'
import { MemoryTransport } from './memory-transport.js'

export interface MemoryNetworkInit {
  clock: Clock
  random: Random
  /** One-way delay of every message, on `clock`. 0 delivers on a microtask: still asynchronous, no clock advance needed. */
  latencyMs?: number
  /** Probability in [0, 1] that a message (request, response or one publish delivery) is lost, drawn from `random`. */
  dropRate?: number
  /** A request with no answer rejects with TimeoutError after this long on `clock`, whatever the caller's signal. */
  requestTimeoutMs?: number
}

/**
 * An in-process network of MemoryTransports (after memberlist's mock transport). Everything runs on the injected
 * Clock and Random, so a run repeats exactly. A partitioned, isolated or dropped message is silence (the caller's
 * deadline decides); a removed node is a dead process: requests to it fail with NetworkError.
 */
export class MemoryNetwork {
  readonly clock: Clock
  readonly requestTimeoutMs: number
  private readonly random: Random
  private readonly latencyMs: number
  private readonly dropRate: number
  private readonly nodes = new Map<NodeId, MemoryTransport>()
  private readonly isolated = new Set<NodeId>()
  private readonly cutLinks = new Set<string>()

  constructor (init: MemoryNetworkInit) {
    this.clock = init.clock
    this.random = init.random
    this.latencyMs = init.latencyMs ?? 0
    this.dropRate = init.dropRate ?? 0
    this.requestTimeoutMs = init.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
    if (this.latencyMs < 0) throw new ConfigurationError('latencyMs must be >= 0', 'latencyMs')
    if (this.dropRate < 0 || this.dropRate > 1) throw new ConfigurationError('dropRate must be in [0, 1]', 'dropRate')
  }

  /** A transport for a new node (or for a removed node coming back as a new process with the same id). */
  createTransport (id: NodeId): MemoryTransport {
    if (this.nodes.has(id)) throw new ConfigurationError(`node ${id} is already on the network`, 'id')
    const transport = new MemoryTransport(id, this)
    this.nodes.set(id, transport)
    return transport
  }

  /** Cuts every link between a node of `a` and a node of `b`, both ways, until heal(). */
  partition (a: NodeId | NodeId[], b: NodeId | NodeId[]): void {
    for (const x of [a].flat()) {
      for (const y of [b].flat()) {
        this.cutLinks.add(linkKey(x, y))
        this.cutLinks.add(linkKey(y, x))
      }
    }
  }

  /** Cuts `id` off from every other node until heal(). */
  isolate (id: NodeId): void {
    this.isolated.add(id)
  }

  /** Undoes every partition and isolation (removed nodes stay removed). */
  heal (): void {
    this.cutLinks.clear()
    this.isolated.clear()
  }

  /** Kills the node's process: its pending requests, and everyone's pending requests to it, fail with NetworkError. */
  remove (id: NodeId): void {
    const transport = this.nodes.get(id)
    if (transport === undefined) return
    this.nodes.delete(id)
    transport.close()
    for (const other of this.nodes.values()) other.peerDied(id)
  }

  /** Whether a message from `from` to `to` would get through right now (drops aside). */
  reachable (from: NodeId, to: NodeId): boolean {
    return this.nodes.has(from) && this.nodes.has(to) &&
      !this.isolated.has(from) && !this.isolated.has(to) && !this.cutLinks.has(linkKey(from, to))
  }

  /** The live transport of `id`, if any. */
  transportOf (id: NodeId): MemoryTransport | undefined {
    return this.nodes.get(id)
  }

  /** Live transports other than `self`, in the order they joined (deterministic fan-out). */
  peersOf (self: NodeId): MemoryTransport[] {
    return [...this.nodes.values()].filter((t) => t.self !== self)
  }

  /**
   * Sends one message: dropped at random, or when the link is cut at sending or at arrival; otherwise
   * `deliver` runs after the latency.
   */
  send (from: NodeId, to: NodeId, deliver: () => void): void {
    if (!this.reachable(from, to) || this.dropped()) return
    this.afterLatency(() => { if (this.reachable(from, to)) deliver() })
  }

  /** Runs `fn` after one network latency (a microtask when the latency is 0). */
  afterLatency (fn: () => void): void {
    if (this.latencyMs > 0) this.clock.setTimeout(fn, this.latencyMs)
    else queueMicrotask(fn)
  }

  private dropped (): boolean {
    return this.dropRate > 0 && this.random.next() < this.dropRate
  }
}

function linkKey (from: NodeId, to: NodeId): string {
  return `${from}\n${to}`
}
