/**
 * The pure formulas of SWIM and Lifeguard, after memberlist's util.go and suspicion.go.
 * Durations are milliseconds.
 */
import { shuffle, type Random } from '../common/random.js'

/**
 * Minimum suspicion timeout: `suspicionMult * max(1, log10(n)) * probeInterval`, so bigger clusters (where news
 * takes longer to spread) wait longer before declaring a member dead.
 */
export function suspicionTimeout (suspicionMult: number, n: number, probeIntervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)))
  // Rounded to whole milliseconds, as memberlist keeps three decimals of the scale.
  return Math.floor(suspicionMult * Math.floor(nodeScale * 1000) * probeIntervalMs / 1000)
}

/** How many times one update is piggybacked before it is dropped: `retransmitMult * ceil(log10(n + 1))`. */
export function retransmitLimit (retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(n + 1))
}

/**
 * Lifeguard's shrinking suspicion: the time left before a suspect is declared dead, given `n` independent
 * confirmations out of the `k` expected, `elapsedMs` since the suspicion began, and the `minMs`..`maxMs` range.
 * The timeout falls from max towards min as log(n + 1) / log(k + 1); the result is negative once it has passed.
 */
export function remainingSuspicionTime (n: number, k: number, elapsedMs: number, minMs: number, maxMs: number): number {
  const fraction = Math.log(n + 1) / Math.log(k + 1)
  const rawSeconds = maxMs / 1000 - fraction * (maxMs / 1000 - minMs / 1000)
  const timeoutMs = Math.max(minMs, Math.floor(1000 * rawSeconds))
  return timeoutMs - elapsedMs
}

/**
 * The push/pull interval, stretched once a cluster passes 32 members so full-table exchanges do not grow
 * with n: `interval * (ceil(log2(n) - log2(32)) + 1)` (memberlist pushPullScale).
 */
export function pushPullScale (intervalMs: number, n: number): number {
  const threshold = 32
  if (n <= threshold) return intervalMs
  const multiplier = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1
  return intervalMs * multiplier
}

/** Up to `k` distinct items of `items` that pass `accept`, in random order. */
export function pickRandom<T> (random: Random, items: readonly T[], k: number, accept: (item: T) => boolean): T[] {
  if (k <= 0) return []
  return shuffle(random, items.filter(accept)).slice(0, k)
}
