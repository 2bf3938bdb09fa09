/** Time as the pure layers see it: injected so tests advance it by hand instead of sleeping. */
export type TimerId = unknown

export interface Clock {
  /** Milliseconds since the epoch (or since the clock's own zero, for a manual clock). */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerId
  clearTimeout(id: TimerId): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clearTimeout: (id) => { clearTimeout(id as NodeJS.Timeout) }
}
