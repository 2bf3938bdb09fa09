import { COPY_POOL_BYTES } from './constants.js'

/** Larger copies get an ArrayBuffer of their own, so that no pool is mostly one caller's copy (Node's rule too). */
const MAX_POOLED_BYTES = COPY_POOL_BYTES >>> 1

/**
 * Copies of stored bytes that callers may keep. Small ones are carved out of a shared ArrayBuffer: one of their own
 * costs several times the copy itself, and Buffer.allocUnsafe plus a plain Uint8Array over it measured about twice
 * as much. As with a pooled Buffer, a copy a caller keeps keeps its whole pool alive.
 *
 * A copy is made in two steps, `take` then `fill`, so that a caller can build its views before the copy: the copy's
 * cache misses then overlap with whatever the caller does next.
 */
export class CopyPool {
  /** Where `take` made room: `target` from `offset` on. */
  private target = new Uint8Array(0)
  private offset = 0
  private pool = new Uint8Array(0)
  private used = 0

  /** Makes room for a copy of `length` bytes. */
  take (length: number): void {
    if (length > MAX_POOLED_BYTES) {
      this.target = new Uint8Array(length)
      this.offset = 0
      return
    }
    if (this.used + length > this.pool.length) {
      this.pool = new Uint8Array(COPY_POOL_BYTES)
      this.used = 0
    }
    this.target = this.pool
    this.offset = this.used
    this.used = (this.used + length + 7) & ~7 // 8-aligned, so that a caller can view a copy as any typed array
  }

  /** A plain Uint8Array over `length` bytes of the room last taken, from `from` on. */
  view (from: number, length: number): Uint8Array {
    return new Uint8Array(this.target.buffer, this.offset + from, length)
  }

  /** Copies `holder[start, start + length)` into the room last taken. */
  fill (holder: Uint8Array, start: number, length: number): void {
    this.target.set(holder.subarray(start, start + length), this.offset)
  }
}
