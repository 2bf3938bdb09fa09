import { SlotHeap } from './slot-heap.js'

/**
 * The entries that have an expiry, earliest first, for the active sweep (no timer per key). A heap keyed by expiry,
 * with one twist for speed: when an entry's expiry moves later (the common overwrite), its heap key is left early
 * and the sweep re-files it when it comes up. So a key in the heap is never later than the entry's real expiry.
 */
export class ExpiryIndex {
  private readonly heap = new SlotHeap()

  /** Records the expiry of `slot` (0 = never). */
  set (slot: number, expiresAt: number): void {
    const known = this.heap.has(slot)
    if (expiresAt === 0) {
      if (known) this.heap.remove(slot)
    } else if (!known) {
      this.heap.push(slot, expiresAt)
    } else if (expiresAt < this.heap.keyOf(slot)) {
      this.heap.update(slot, expiresAt)
    }
  }

  remove (slot: number): void {
    if (this.heap.has(slot)) this.heap.remove(slot)
  }

  /** A slot whose filed expiry is at or before `now` (it may have been extended since), or -1. */
  due (now: number): number {
    const slot = this.heap.peek()
    return slot !== -1 && this.heap.keyOf(slot) <= now ? slot : -1
  }

  /** Re-files a slot that `due` returned but whose real expiry is later. */
  refile (slot: number, expiresAt: number): void {
    this.heap.update(slot, expiresAt)
  }

  clear (): void {
    this.heap.clear()
  }
}
