import type { Clock, TimerId } from '../../src/common/clock.js'

interface Timer { id: number, at: number, fn: () => void }

/** A Clock that moves only when a test advances it; timers fire in time order, with microtasks drained between. */
export class ManualClock implements Clock {
  private current: number
  private timers: Timer[] = []
  private nextId = 1

  constructor (start = 1_000_000) {
    this.current = start
  }

  now (): number {
    return this.current
  }

  setTimeout (fn: () => void, ms: number): TimerId {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn }
    this.timers.push(timer)
    return timer.id
  }

  clearTimeout (id: TimerId): void {
    this.timers = this.timers.filter((t) => t.id !== id)
  }

  /** Number of timers still pending. */
  get pending (): number {
    return this.timers.length
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance (ms: number): Promise<void> {
    const target = this.current + ms
    for (;;) {
      await drainMicrotasks()
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (due === undefined) break
      this.timers = this.timers.filter((t) => t !== due)
      this.current = Math.max(this.current, due.at)
      due.fn()
    }
    this.current = target
    await drainMicrotasks()
  }

  /** Sets the time without firing timers (for pure expiry tests). */
  set (now: number): void {
    this.current = now
  }
}

async function drainMicrotasks (): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
  await new Promise<void>((resolve) => setImmediate(resolve))
}
