import type { Clock } from '../common/clock.js'

/** Logical ticks per millisecond: 2^10, so (ms since 1970) * 2^10 stays below 2^53 until the year 2248. */
const TICKS_PER_MS = 1024

/**
 * A hybrid logical clock (Kulkarni et al. 2014) as one number: milliseconds of the physical clock times 2^10 plus a
 * logical counter. `tick()` never repeats or goes back on one member, and `observe()` keeps it ahead of every time
 * this member has seen, so a write that follows another (on any member) gets a larger time even under clock skew.
 */
export class HybridClock {
  private last = 0

  constructor (private readonly clock: Clock) {}

  /** A fresh time for a write: later than anything this member issued or observed. */
  tick (): number {
    const physical = Math.floor(this.clock.now()) * TICKS_PER_MS
    this.last = physical > this.last ? physical : this.last + 1
    return this.last
  }

  /** Takes in a time seen from elsewhere, so the next tick is past it. */
  observe (ts: number): void {
    if (ts > this.last) this.last = ts
  }
}

