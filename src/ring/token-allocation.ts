/**
 * Where each node's vnodes sit on the ring: a pure function of the set of (node id, vnode count) pairs.
 *
 * Scheme, in two steps:
 * 1. Anchors. Vnode i of a node with v vnodes is placed in the i-th of v equal strata of the ring, at an offset
 *    within the stratum given by hashKey(`${id}\0${i}`). Anchors depend only on the node itself.
 * 2. Relaxation. Anchors alone give max/mean ownership of about 1.2 at 100 nodes and 1.3 at 1000: once many nodes
 *    share the ring, the others' tokens look like a Poisson process to any one node, so any scheme whose tokens
 *    depend only on the node's own id has the same spread (a node's share is a sum of v exponential gaps,
 *    relative deviation about 1/sqrt(v)). So, as Cassandra's token allocation does, tokens also look at their
 *    neighbours: each token is a boundary between the range it closes (its node's) and the next range (the next
 *    node's), and it is moved toward the lighter of the two by half the difference in their loads, spread over
 *    the node's vnodes (load = share / expected share). Moves are capped at 45% of the adjacent gap, so tokens never
 *    cross. All boundaries move at once from the same state (a Jacobi step), for a fixed number of rounds or until
 *    every load is within RELAXED_LOAD_TOLERANCE of 1; it usually takes under ten rounds.
 *
 * Every step is a function of the sorted token array (ties broken by node id), never of insertion order or a
 * random draw, so every member computes the same tokens. The cost is some movement beyond the minimum: when a node
 * leaves, its ranges go to its neighbours, and the relaxation then shifts boundaries elsewhere by a little
 * (measured by bench/ring.ts: 0.6% of the ring at 3 nodes, 1.4% at 10, 0.6% at 100, 0.1% at 1000, against the
 * 33%, 10%, 1% and 0.1% that must move). In exchange max/mean ownership is about 1.00 instead of 1.15-1.3.
 */
import { hashKey, RING_SIZE } from './hash.js'

/** A token may move at most this share of the gap toward its neighbour per round, so order is kept. */
const MAX_STEP_OF_GAP = 0.45
/** Share of the load difference across one boundary corrected per round. */
const STEP_GAIN = 0.5
const MAX_RELAXATION_ROUNDS = 64
/** Relaxation stops once every node's load (share / expected share) is within this of 1. */
export const RELAXED_LOAD_TOLERANCE = 0.005

export interface NodeVnodes { id: string, vnodes: number }

/** The ring as sorted parallel arrays: token k is at positions[k] and belongs to nodes[owners[k]]. */
export interface TokenLayout {
  /** Node ids in ascending order; owners index into it. */
  nodes: string[]
  /** Token positions, ascending, integers in [0, RING_SIZE). */
  positions: Uint32Array
  owners: Uint32Array
}

/** The anchor positions of one node (step 1), in stratum order. */
export function anchorTokens (id: string, vnodes: number): number[] {
  const stratum = RING_SIZE / vnodes
  const anchors: number[] = []
  for (let i = 0; i < vnodes; i++) anchors.push(Math.floor(i * stratum + (hashKey(`${id}\0${i}`) / RING_SIZE) * stratum))
  return anchors
}

/** Lays out the tokens of `members` (any order; ids unique). `anchorsOf` lets a caller reuse cached anchors. */
export function allocateTokens (
  members: readonly NodeVnodes[],
  anchorsOf: (member: NodeVnodes) => readonly number[] = (m) => anchorTokens(m.id, m.vnodes)
): TokenLayout {
  const sorted = [...members].sort((a, b) => compareIds(a.id, b.id))
  const total = sorted.reduce((sum, m) => sum + m.vnodes, 0)
  const order = new Uint32Array(total)
  const anchorPositions = new Float64Array(total)
  const anchorOwners = new Uint32Array(total)
  let k = 0
  sorted.forEach((member, index) => {
    for (const position of anchorsOf(member)) {
      anchorPositions[k] = position
      anchorOwners[k] = index
      order[k] = k
      k++
    }
  })
  // Equal positions: the lower node index (smaller id) first, so the order never depends on the input order.
  order.sort((a, b) => (anchorPositions[a] as number) - (anchorPositions[b] as number) || (anchorOwners[a] as number) - (anchorOwners[b] as number))
  const positions = new Float64Array(total)
  const owners = new Uint32Array(total)
  order.forEach((from, to) => {
    positions[to] = anchorPositions[from] as number
    owners[to] = anchorOwners[from] as number
  })
  relax(positions, owners, sorted.map((m) => m.vnodes), total)
  return { nodes: sorted.map((m) => m.id), positions: toSortedIntegers(positions), owners }
}

function relax (positions: Float64Array, owners: Uint32Array, vnodes: number[], totalVnodes: number): void {
  const count = positions.length
  if (vnodes.length < 2) return
  const shares = new Float64Array(vnodes.length)
  const loads = new Float64Array(vnodes.length)
  const next = new Float64Array(count)
  for (let round = 0; round < MAX_RELAXATION_ROUNDS; round++) {
    shares.fill(0)
    for (let k = 0; k < count; k++) shares[owners[k] as number]! += rangeBefore(positions, k)
    let worst = 0
    for (let n = 0; n < vnodes.length; n++) {
      loads[n] = (shares[n] as number) / RING_SIZE / ((vnodes[n] as number) / totalVnodes)
      worst = Math.max(worst, Math.abs((loads[n] as number) - 1))
    }
    if (worst <= RELAXED_LOAD_TOLERANCE) return
    for (let k = 0; k < count; k++) {
      const here = positions[k] as number
      // Positive: the range this token closes is heavier than the next one, so the boundary moves back.
      let shift = STEP_GAIN * ((loads[owners[k] as number] as number) - (loads[owners[(k + 1) % count] as number] as number)) * RING_SIZE / totalVnodes
      shift = shift > 0
        ? Math.min(shift, MAX_STEP_OF_GAP * rangeBefore(positions, k), here)
        : Math.max(shift, -MAX_STEP_OF_GAP * rangeAfter(positions, k), here - (RING_SIZE - 1))
      next[k] = here - shift
    }
    positions.set(next)
  }
}

/** Length of the range token k closes: from the previous token (wrapping) to it. */
function rangeBefore (positions: Float64Array, k: number): number {
  const previous = k === 0 ? (positions[positions.length - 1] as number) - RING_SIZE : positions[k - 1] as number
  return (positions[k] as number) - previous
}

function rangeAfter (positions: Float64Array, k: number): number {
  const following = k === positions.length - 1 ? (positions[0] as number) + RING_SIZE : positions[k + 1] as number
  return following - (positions[k] as number)
}

function toSortedIntegers (positions: Float64Array): Uint32Array {
  const result = new Uint32Array(positions.length)
  let previous = 0
  positions.forEach((p, k) => {
    previous = Math.max(previous, Math.min(RING_SIZE - 1, Math.round(p)))
    result[k] = previous
  })
  return result
}

/** Code-unit order, the same on every member regardless of locale. */
export function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
