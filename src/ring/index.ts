export { HashRing, RING_SCHEME, type Balance, type HashRingInit, type RingSnapshot } from './hash-ring.js'
export { movedRanges, type RangeMove } from './ring-diff.js'
export { hashKey, RING_SIZE } from './hash.js'
export type { NodeVnodes } from './token-allocation.js'
