import { ValueTooLargeError } from '../common/errors.js'
import { MAX_SLAB_CHUNK_BYTES, OWN_BUFFER_OVERHEAD_BYTES, SLAB_BYTES } from './constants.js'

/** Every chunk size is a multiple of this, so a slab location is counted in these units and fits a uint32. */
const CHUNK_ALIGN_BYTES = 8
const UNITS_PER_SLAB = SLAB_BYTES / CHUNK_ALIGN_BYTES
/** Slabs a uint32 location can address: 32 GiB of slab space. */
const MAX_SLABS = 2 ** 32 / UNITS_PER_SLAB

/**
 * Where stored values live. Small values are copied into chunks of shared 1 MiB slabs (one ArrayBuffer for
 * thousands of values); chunk sizes come in classes and freed chunks are reused by the next value of the same
 * class. A value too big for a slab chunk gets a buffer of its own. A location is a uint32 read together with the
 * length stored there (the engine's value and metadata together): for a slab chunk it is the chunk's offset over all slabs in CHUNK_ALIGN_BYTES units, for a value
 * with its own buffer it is that buffer's id.
 */
export class ValueSlabs {
  private slabs: Uint8Array[] = []
  private bump = SLAB_BYTES
  private readonly freeChunks = new Map<number, number[]>()
  private readonly ownBuffers = new Map<number, Uint8Array>()
  private nextOwnId = 1

  /** Room for `length` bytes, to be filled through `holderOf` and `offsetOf`; returns its location. */
  allocate (length: number): number {
    const size = chunkBytes(length)
    if (size > MAX_SLAB_CHUNK_BYTES) {
      const id = this.nextOwnId++
      this.ownBuffers.set(id, new Uint8Array(length))
      return id
    }
    return this.freeChunks.get(size)?.pop() ?? this.carve(size)
  }

  /**
   * Room for `length` bytes in place of the `oldLength` bytes at `location`: the same chunk when its class fits, else
   * a new one (allocated before the old one is released, so a failure leaves the old bytes where they were).
   */
  reallocate (location: number, oldLength: number, length: number): number {
    const size = chunkBytes(length)
    if (size <= MAX_SLAB_CHUNK_BYTES && chunkBytes(oldLength) === size) return location
    const moved = this.allocate(length)
    this.release(location, oldLength)
    return moved
  }

  /** The array that holds the value (a whole slab, or the value's own buffer): read it from `offsetOf` on, with no view made. */
  holderOf (location: number, length: number): Uint8Array {
    return isOwn(length) ? this.ownBuffers.get(location) as Uint8Array : this.slabs[Math.floor(location / UNITS_PER_SLAB)]
  }

  offsetOf (location: number, length: number): number {
    return isOwn(length) ? 0 : offsetInSlab(location)
  }

  release (location: number, length: number): void {
    if (isOwn(length)) {
      this.ownBuffers.delete(location)
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

  private carve (size: number): number {
    if (this.bump + size > SLAB_BYTES) {
      if (this.slabs.length === MAX_SLABS) throw new ValueTooLargeError(`value slabs are full (${MAX_SLABS} slabs of ${SLAB_BYTES} bytes)`)
      this.slabs.push(new Uint8Array(SLAB_BYTES))
      this.bump = 0
    }
    const location = (this.slabs.length - 1) * UNITS_PER_SLAB + this.bump / CHUNK_ALIGN_BYTES
    this.bump += size
    return location
  }
}

function isOwn (length: number): boolean {
  return chunkBytes(length) > MAX_SLAB_CHUNK_BYTES
}

function offsetInSlab (location: number): number {
  return (location % UNITS_PER_SLAB) * CHUNK_ALIGN_BYTES
}

/**
 * The chunk class of a value of `length` bytes: a multiple of 8 up to 1 KiB (at most 7 bytes wasted), then steps of
 * an eighth of the power of two below, so at most 12.5 % is wasted. Every class is a multiple of CHUNK_ALIGN_BYTES.
 */
export function chunkBytes (length: number): number {
  if (length <= 1024) return Math.max(8, (length + 7) & ~7)
  const step = 2 ** (Math.floor(Math.log2(length)) - 3)
  return Math.ceil(length / step) * step
}

/** Memory a value of `length` bytes costs once stored: its chunk, or its own buffer with that buffer's overhead. */
export function storedValueBytes (length: number): number {
  const size = chunkBytes(length)
  return size > MAX_SLAB_CHUNK_BYTES ? length + OWN_BUFFER_OVERHEAD_BYTES : size
}
