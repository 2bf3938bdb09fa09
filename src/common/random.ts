/** Randomness as the pure layers see it: seedable so simulations repeat exactly. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
}

export const systemRandom: Random = { next: () => Math.random() }

/** mulberry32: a tiny, fast, well-spread 32-bit generator; good enough for shuffles and jitter, not for keys. */
export function seededRandom (seed: number): Random {
  let state = seed >>> 0
  return {
    next () {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}

/** An integer in [0, n). */
export function randomInt (random: Random, n: number): number {
  return Math.floor(random.next() * n)
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T> (random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1)
    const tmp = items[i] as T
    items[i] = items[j] as T
    items[j] = tmp
  }
  return items
}
