import type { HashRing } from './hash-ring.js'

/**
 * A range of ring positions whose preference list differs between two rings. It holds positions p with
 * start < p <= end; when start >= end it wraps past 0 (start === end: the whole ring).
 */
export interface RangeMove {
  start: number
  end: number
  /** Preference list before (coordinator first); empty if the ring was empty. */
  from: string[]
  /** Preference list after. */
  to: string[]
}

/**
 * The ranges whose first `replicas` owners change from `before` to `after`, merged where adjacent ranges make the
 * same change. With replicas = 1 these are the ranges whose owner changes.
 */
export function movedRanges (before: HashRing, after: HashRing, replicas = 1): RangeMove[] {
  const breakpoints = [...new Set([...before.tokenList(), ...after.tokenList()].map((t) => t.position))].sort((a, b) => a - b)
  const moves: RangeMove[] = []
  // Range j runs from breakpoint j-1 (the last one, wrapping, for j = 0) to breakpoint j; no token of either ring
  // lies inside it, so every position in it has the preference list of its end.
  breakpoints.forEach((end, j) => {
    const start = breakpoints[j === 0 ? breakpoints.length - 1 : j - 1] as number
    const from = before.preferenceListAt(end, replicas)
    const to = after.preferenceListAt(end, replicas)
    if (sameList(from, to)) return
    const last = moves[moves.length - 1]
    if (last !== undefined && last.end === start && sameList(last.from, from) && sameList(last.to, to)) last.end = end
    else moves.push({ start, end, from, to })
  })
  const first = moves[0]
  const last = moves[moves.length - 1]
  if (first !== undefined && last !== undefined && first !== last && last.end === first.start &&
      sameList(first.from, last.from) && sameList(first.to, last.to)) {
    first.start = last.start
    moves.pop()
  }
  return moves
}

function sameList (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}
