import { grow } from './slot-heap.js'

/**
 * Words (uint32) per slot record: expiresAt as a float64 in words 0-1, the value's location, its length and flag,
 * the key's UTF-8 length, the metadata's length and tombstone flag, then INLINE_KEY_BYTES for the key itself or, for
 * a longer key, its location in the KeyIndex's slabs. An even count keeps every record's float64 aligned.
 */
const WORDS_PER_SLOT = 12
const LOCATION_WORD = 2
const LENGTH_WORD = 3
const KEY_LENGTH_WORD = 4
const META_WORD = 5
const KEY_WORD = 6
const BYTES_PER_SLOT = WORDS_PER_SLOT * 4
/** Keys up to this many UTF-8 bytes are kept inside the record, so a lookup compares them with no further miss. */
export const INLINE_KEY_BYTES = (WORDS_PER_SLOT - KEY_WORD) * 4
/** Set in the length word when the stored value is deflated; leaves 31 bits for the length. */
const COMPRESSED_BIT = 0x80000000
/** The longest stored value a record can describe. */
export const MAX_STORED_VALUE_BYTES = COMPRESSED_BIT - 1
/** Set in the metadata word for an entry that has no value (a tombstone); leaves 31 bits for the metadata length. */
const TOMBSTONE_BIT = 0x80000000

/**
 * The entries of one cache, indexed by slot: no object per entry. What a lookup needs (the key or where it is,
 * expiry, value location and length) sits in one 48-byte record per slot, so a read touches one record of the table.
 * An entry's opaque metadata is stored right after its value bytes, at the same location; the record holds its
 * length. The key -> slot table belongs to the KeyIndex. Freed slots are reused first, so slots stay dense.
 */
export class EntryTable {
  private words = new Uint32Array(64 * WORDS_PER_SLOT)
  /** The same memory as `words`, for the float64 expiry at word 0 of each record. */
  private times = new Float64Array(this.words.buffer)
  /** The same memory again, for inline keys (see `inlineKeyOffset`); replaced when the table grows. */
  bytes = new Uint8Array(this.words.buffer)
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

  /** Length of the metadata stored after the value. */
  metaLength (slot: number): number {
    return (this.words[slot * WORDS_PER_SLOT + META_WORD] & ~TOMBSTONE_BIT) >>> 0
  }

  /** Whether the entry is a tombstone: metadata and no value (its value length is 0). */
  isTombstone (slot: number): boolean {
    return (this.words[slot * WORDS_PER_SLOT + META_WORD] & TOMBSTONE_BIT) !== 0
  }

  /** Bytes held at the entry's location: the stored value, then the metadata. */
  heldLength (slot: number): number {
    return this.valueLength(slot) + this.metaLength(slot)
  }

  /** Records the metadata length (at most MAX_STORED_VALUE_BYTES) and whether the entry is a tombstone. */
  setMeta (slot: number, length: number, tombstone: boolean): void {
    this.words[slot * WORDS_PER_SLOT + META_WORD] = tombstone ? length | TOMBSTONE_BIT : length
  }

  /** UTF-8 length of the key; 0 for a free slot (keys are never empty). */
  keyLength (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD]
  }

  setKeyLength (slot: number, length: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD] = length
  }

  /** Where in `bytes` the key of `slot` sits when it is at most INLINE_KEY_BYTES long. */
  inlineKeyOffset (slot: number): number {
    return slot * BYTES_PER_SLOT + KEY_WORD * 4
  }

  /** Location of a key longer than INLINE_KEY_BYTES (see KeyIndex). */
  keyLocation (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_WORD]
  }

  setKeyLocation (slot: number, location: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_WORD] = location
  }

  /** Whether `slot` holds an entry. */
  isLive (slot: number): boolean {
    return slot < this.highWater && this.keyLength(slot) !== 0
  }

  /** One past the highest slot ever allocated since the last clear. */
  get slotLimit (): number {
    return this.highWater
  }

  /** A free slot, to be given its key at once (KeyIndex.insert). */
  allocate (): number {
    const slot = this.freeSlots.pop() ?? this.highWater++
    if (slot * WORDS_PER_SLOT >= this.words.length) this.grow()
    return slot
  }

  release (slot: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD] = 0
    this.freeSlots.push(slot)
  }

  clear (): void {
    this.words.fill(0)
    this.freeSlots = []
    this.highWater = 0
  }

  private grow (): void {
    this.words = grow(this.words, this.words.length * 2, 0)
    this.times = new Float64Array(this.words.buffer)
    this.bytes = new Uint8Array(this.words.buffer)
  }
}
