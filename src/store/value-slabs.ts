import { MAX_SLAB_CHUNK_BYTES, OWN_BUFFER_OVERHEAD_BYTES, SLAB_BYTES } from './constants.js'

/**
 * Where stored values live. Small values are copied into chunks of shared 1 MiB slabs (one ArrayBuffer for
 * thousands of values); chunk sizes come in classes and freed chunks are reused by the next value of the same
 * class. A value too big for a slab gets a buffer of its own. A location is a number: >= 0 is an offset into the
 * slabs (slab * SLAB_BYTES + offset), < 0 names an own buffer.
 */
export class ValueSlabs {
  private slabs: Uint8Array[] = []
  private bump = SLAB_BYTES
  private readonly freeChunks = new Map<number, number[]>()
  private readonly ownBuffers = new Map<number, Uint8Array>()
  private nextOwnId = 1

  /** Copies `bytes` in and returns their location. */
  store (bytes: Uint8Array): number {
    const size = chunkBytes(bytes.length)
    if (size > MAX_SLAB_CHUNK_BYTES) {
      const id = this.nextOwnId++
      this.ownBuffers.set(id, bytes.slice())
      return -id
    }
    const location = this.freeChunks.get(size)?.pop() ?? this.carve(size)
    this.slabs[Math.floor(location / SLAB_BYTES)].set(bytes, location % SLAB_BYTES)
    return location
  }

  /** Overwrites the value at `location` (of `oldLength` bytes) with `bytes`, in place when the chunk class fits. */
  replace (location: number, oldLength: number, bytes: Uint8Array): number {
    if (location >= 0 && chunkBytes(oldLength) === chunkBytes(bytes.length)) {
      this.slabs[Math.floor(location / SLAB_BYTES)].set(bytes, location % SLAB_BYTES)
      return location
    }
    this.release(location, oldLength)
    return this.store(bytes)
  }

  /** A view of the stored bytes; valid until the location is released or replaced. */
  view (location: number, length: number): Uint8Array {
    if (location < 0) return this.ownBuffers.get(-location) as Uint8Array
    const slab = this.slabs[Math.floor(location / SLAB_BYTES)]
    return new Uint8Array(slab.buffer, location % SLAB_BYTES, length)
  }

  release (location: number, length: number): void {
    if (location < 0) {
      this.ownBuffers.delete(-location)
      return
    }
    const size = chunkBytes(length)
    const free = this.freeChunks.get(size)
    if (free === undefined) this.freeChunks.set(size, [location])
    else free.push(location)
  }

  /** Drops every value and slab. */
  clear (): void {
    this.slabs = []
    this.bump = SLAB_BYTES
    this.freeChunks.clear()
    this.ownBuffers.clear()
  }

  /** Bytes held by slabs (live chunks, free chunks and unused tails) and own buffers. */
  get reservedBytes (): number {
    let own = 0
    for (const buffer of this.ownBuffers.values()) own += buffer.byteLength
    return this.slabs.length * SLAB_BYTES + own
  }

  private carve (size: number): number {
    if (this.bump + size > SLAB_BYTES) {
      this.slabs.push(new Uint8Array(SLAB_BYTES))
      this.bump = 0
    }
    const location = (this.slabs.length - 1) * SLAB_BYTES + this.bump
    this.bump += size
    return location
  }
}

/**
 * The chunk class of a value of `length` bytes: a multiple of 16 up to 1 KiB, then steps of an eighth of the power
 * of two below, so at most 12.5 % is wasted.
 */
export function chunkBytes (length: number): number {
  if (length <= 1024) return Math.max(16, (length + 15) & ~15)
  const step = 2 ** (Math.floor(Math.log2(length)) - 3)
  return Math.ceil(length / step) * step
}

/** Memory a value of `length` bytes costs once stored: its chunk, or its own buffer with that buffer's overhead. */
export function storedValueBytes (length: number): number {
  const size = chunkBytes(length)
  return size > MAX_SLAB_CHUNK_BYTES ? length + OWN_BUFFER_OVERHEAD_BYTES : size
}
