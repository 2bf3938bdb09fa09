import type { TokenLayout } from './token-allocation.js'

/** Index of the first token at or clockwise after `position` (wrapping to 0); the layout must not be empty. */
export function successorIndex (positions: Uint32Array, position: number): number {
  let low = 0
  let high = positions.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((positions[middle] as number) < position) low = middle + 1
    else high = middle
  }
  return low === positions.length ? 0 : low
}

/**
 * The first `n` distinct nodes met walking clockwise from `position` (fewer if the ring has fewer nodes).
 * `seen` is scratch space of one slot per node, reused across calls: a slot equals `stamp` once its node is taken.
 */
export function preferenceListAt (layout: TokenLayout, position: number, n: number, seen: Uint32Array, stamp: number): string[] {
  const { positions, owners, nodes } = layout
  const wanted = Math.min(n, nodes.length)
  const result: string[] = []
  if (wanted <= 0) return result
  let k = successorIndex(positions, position)
  for (let walked = 0; walked < positions.length && result.length < wanted; walked++) {
    const owner = owners[k] as number
    if (seen[owner] !== stamp) {
      seen[owner] = stamp
      result.push(nodes[owner] as string)
    }
    k = k + 1 === positions.length ? 0 : k + 1
  }
  return result
}
