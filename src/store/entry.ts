import { grow } from './slot-heap.js'

/**
 * The entries of one cache as a struct of arrays indexed by slot: no object per entry, about 30 bytes of typed
 * arrays per slot. Freed slots are reused first, so slots stay dense.
 */
export class EntryTable {
  /** slot -> key, for eviction and iteration; undefined for a free slot. */
  keys: Array<string | undefined> = []
  /** Expiry in clock milliseconds; 0 = never. */
  expiresAt = new Float64Array(64)
  /** Location in ValueSlabs. */
  valueLocation = new Float64Array(64)
  /** Stored (possibly deflated) value length in bytes. */
  valueLength = new Uint32Array(64)
  /** Bytes charged to the memory budget for this entry. */
  charge = new Uint32Array(64)
  /** 1 when the stored value is deflated. */
  compressed = new Uint8Array(64)
  private freeSlots: number[] = []
  private highWater = 0

  allocate (key: string): number {
    const slot = this.freeSlots.pop() ?? this.highWater++
    if (slot >= this.expiresAt.length) this.grow()
    this.keys[slot] = key
    return slot
  }

  release (slot: number): void {
    this.keys[slot] = undefined
    this.freeSlots.push(slot)
  }

  clear (): void {
    this.keys = []
    this.freeSlots = []
    this.highWater = 0
  }

  private grow (): void {
    const size = this.expiresAt.length * 2
    this.expiresAt = grow(this.expiresAt, size, 0)
    this.valueLocation = grow(this.valueLocation, size, 0)
    this.valueLength = grow(this.valueLength, size, 0)
    this.charge = grow(this.charge, size, 0)
    this.compressed = grow(this.compressed, size, 0)
  }
}
