import { SlotHeap } from './slot-heap.js'

/**
 * The entries that have an expiry, earliest first, for the active sweep (no timer per key). A heap keyed by expiry,
 * with two twists that keep the hot paths away from it:
 * - When an entry's expiry moves later (the common overwrite), its heap key is left early; the sweep re-files it
 *   when it comes up. So a key in the heap is never later than the entry's real expiry.
 * - A removed entry (delete, eviction, expiry) leaves its slot in the heap; the sweep drops it when it comes up, and
 *   a new entry in the same slot takes the node over. So an eviction costs no heap work.
 * The caller (LocalCache.sweepExpired) tells these apart by looking at the slot's real entry.
 */
export class ExpiryIndex {
  /** Entries due at the same time may go in any order, so ties go by slot (no push-order array). */
  private readonly heap = new SlotHeap(false)

  /** A new entry in `slot` (which may still have a node from the slot's previous entry) expires at `expiresAt` (0 = never). */
  add (slot: number, expiresAt: number): void {
    const known = this.heap.has(slot)
    if (expiresAt === 0) {
      if (known) this.heap.remove(slot)
    } else if (!known) {
      this.heap.push(slot, expiresAt)
    } else if (expiresAt < this.heap.keyOf(slot)) {
      this.heap.update(slot, expiresAt)
    }
  }

  /** The live entry in `slot` had expiry `previous` and now has `expiresAt`. */
  change (slot: number, previous: number, expiresAt: number): void {
    // Filed at or before `previous`, which is not later than the new expiry: nothing to do.
    if (previous !== 0 && expiresAt >= previous) return
    this.add(slot, expiresAt)
  }

  /** A slot whose filed expiry is at or before `now` (it may have been extended or freed since), or -1. */
  due (now: number): number {
    const slot = this.heap.peek()
    return slot !== -1 && this.heap.keyOf(slot) <= now ? slot : -1
  }

  /** Re-files a slot that `due` returned but whose real expiry is later. */
  refile (slot: number, expiresAt: number): void {
    this.heap.update(slot, expiresAt)
  }

  /** Drops a slot that `due` returned but that has no entry with an expiry any more. */
  drop (slot: number): void {
    this.heap.remove(slot)
  }

  clear (): void {
    this.heap.clear()
  }
}
