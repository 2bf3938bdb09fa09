import { grow } from './slot-heap.js'

/** Words (uint32) per slot record: expiresAt as a float64 in words 0-1, the value's location, its length and flag. */
const WORDS_PER_SLOT = 4
const LOCATION_WORD = 2
const LENGTH_WORD = 3
/** Set in the length word when the stored value is deflated; leaves 31 bits for the length. */
const COMPRESSED_BIT = 0x80000000
/** The longest stored value a record can describe. */
export const MAX_STORED_VALUE_BYTES = COMPRESSED_BIT - 1

/**
 * The entries of one cache, indexed by slot: no object per entry. What a read needs (expiry, value location and
 * length) sits in one 16-byte record per slot, so a lookup touches one cache line of the table. Keys live in the
 * KeyIndex, under the same slots. Freed slots are reused first, so slots stay dense.
 */
export class EntryTable {
  private words = new Uint32Array(64 * WORDS_PER_SLOT)
  /** The same memory as `words`, for the float64 expiry at word 0 of each record. */
  private times = new Float64Array(this.words.buffer)
  private freeSlots: number[] = []
  private highWater = 0

  /** Expiry in clock milliseconds; 0 = never. */
  expiresAt (slot: number): number {
    return this.times[slot * (WORDS_PER_SLOT / 2)]
  }

  setExpiresAt (slot: number, expiresAt: number): void {
    this.times[slot * (WORDS_PER_SLOT / 2)] = expiresAt
  }

  /** Location in ValueSlabs. */
  location (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + LOCATION_WORD]
  }

  /** Stored (possibly deflated) value length in bytes. */
  valueLength (slot: number): number {
    return (this.words[slot * WORDS_PER_SLOT + LENGTH_WORD] & ~COMPRESSED_BIT) >>> 0
  }

  isCompressed (slot: number): boolean {
    return (this.words[slot * WORDS_PER_SLOT + LENGTH_WORD] & COMPRESSED_BIT) !== 0
  }

  /** Records where the value is stored, its stored length (at most MAX_STORED_VALUE_BYTES) and whether it is deflated. */
  setValue (slot: number, location: number, length: number, compressed: boolean): void {
    const at = slot * WORDS_PER_SLOT
    this.words[at + LOCATION_WORD] = location
    this.words[at + LENGTH_WORD] = compressed ? length | COMPRESSED_BIT : length
  }

  allocate (): number {
    const slot = this.freeSlots.pop() ?? this.highWater++
    if (slot * WORDS_PER_SLOT >= this.words.length) this.grow()
    return slot
  }

  release (slot: number): void {
    this.freeSlots.push(slot)
  }

  clear (): void {
    this.freeSlots = []
    this.highWater = 0
  }

  private grow (): void {
    this.words = grow(this.words, this.words.length * 2, 0)
    this.times = new Float64Array(this.words.buffer)
  }
}
