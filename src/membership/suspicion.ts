import type { Clock, TimerId } from '../common/clock.js'
import type { NodeId } from '../net/transport.js'
import { remainingSuspicionTime } from './math.js'

export interface SuspicionInit {
  clock: Clock
  /** The first accuser; it does not count as a confirmation. */
  from: NodeId
  /** Independent confirmations expected; 0 means time out at `minMs` straight away. */
  k: number
  minMs: number
  maxMs: number
  /** Called once when the suspicion runs out, with the number of confirmations it got. */
  onTimeout: (confirmations: number) => void
}

/**
 * One suspicion about one member (memberlist suspicion.go): it starts at the max timeout and shrinks towards
 * the min as other members independently confirm it, on the injected clock.
 */
export class Suspicion {
  private readonly clock: Clock
  private readonly k: number
  private readonly minMs: number
  private readonly maxMs: number
  private readonly onTimeout: (confirmations: number) => void
  private readonly confirmations = new Set<NodeId>()
  private readonly startedAt: number
  private timer: TimerId | undefined

  constructor (init: SuspicionInit) {
    this.clock = init.clock
    this.k = init.k
    this.minMs = init.minMs
    this.maxMs = init.maxMs
    this.onTimeout = init.onTimeout
    this.startedAt = init.clock.now()
    this.confirmations.add(init.from)
    this.schedule(this.k < 1 ? this.minMs : this.maxMs)
  }

  /** Independent confirmations so far (the first accuser excluded). */
  get confirmationCount (): number {
    return this.confirmations.size - 1
  }

  /** Records `from` as confirming; true if it was new and shortened the timeout. */
  confirm (from: NodeId): boolean {
    if (this.timer === undefined || this.confirmationCount >= this.k || this.confirmations.has(from)) return false
    this.confirmations.add(from)
    const elapsed = this.clock.now() - this.startedAt
    this.schedule(remainingSuspicionTime(this.confirmationCount, this.k, elapsed, this.minMs, this.maxMs))
    return true
  }

  /** Stops the timer: the member was refuted, or declared dead some other way. */
  cancel (): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule (ms: number): void {
    this.cancel()
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      this.onTimeout(this.confirmationCount)
    }, Math.max(0, ms))
  }
}
