import { SlotHeap } from '../slot-heap.js'
import type { EvictionPolicy } from './policy.js'

/**
 * Soonest expiry first (Redis volatile-ttl, extended to all keys): entries without expiry go last; ties go to the
 * entry inserted first. A heap keyed by expiry: O(log n) per insert, update and removal.
 */
export class TtlPolicy implements EvictionPolicy {
  readonly name = 'ttl'
  private readonly heap = new SlotHeap()

  onInsert (slot: number, expiresAt: number): void {
    this.heap.push(slot, expiresAt === 0 ? Infinity : expiresAt)
  }

  onAccess (_slot: number): void {}

  onUpdate (slot: number, expiresAt: number): void {
    const key = expiresAt === 0 ? Infinity : expiresAt
    if (this.heap.keyOf(slot) !== key) this.heap.update(slot, key)
  }

  onRemove (slot: number): void {
    this.heap.remove(slot)
  }

  victim (): number {
    return this.heap.peek()
  }

  clear (): void {
    this.heap.clear()
  }
}
