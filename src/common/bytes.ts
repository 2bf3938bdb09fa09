// Big-endian fields in byte arrays, without a DataView per call: the wire codecs run these for every frame and request.

/** One 8-byte scratch area for floats: set here, then copied to (or from) the bytes. */
const scratch = new DataView(new ArrayBuffer(8))
const scratchBytes = new Uint8Array(scratch.buffer)

export function writeU16 (bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8
  bytes[at + 1] = value
}

export function readU16 (bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
}

export function writeU32 (bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24
  bytes[at + 1] = value >>> 16
  bytes[at + 2] = value >>> 8
  bytes[at + 3] = value
}

export function readU32 (bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) * 0x1000000) + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
}

export function writeF64 (bytes: Uint8Array, at: number, value: number): void {
  scratch.setFloat64(0, value)
  for (let i = 0; i < 8; i++) bytes[at + i] = scratchBytes[i] as number
}

export function readF64 (bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[at + i] as number
  return scratch.getFloat64(0)
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Writes big-endian fields one after another into a buffer that grows as needed. One writer serves many messages
 * (reset, write, finish): a buffer and a DataView per message cost more than the writing.
 */
export class ByteWriter {
  /** A Buffer for its utf8 write, which needs no view of the destination per string. */
  private bytes: Buffer
  private view: DataView
  private at = 0

  constructor (private readonly capacity = 256) {
    this.bytes = Buffer.alloc(capacity)
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  }

  u8 (value: number): this {
    this.room(1)
    this.bytes[this.at++] = value
    return this
  }

  u16 (value: number): this {
    this.room(2)
    this.view.setUint16(this.at, value)
    this.at += 2
    return this
  }

  u32 (value: number): this {
    this.room(4)
    this.view.setUint32(this.at, value)
    this.at += 4
    return this
  }

  f64 (value: number): this {
    this.room(8)
    this.view.setFloat64(this.at, value)
    this.at += 8
    return this
  }

  /** u32 length, then the bytes. */
  bytesWithLength (value: Uint8Array): this {
    this.u32(value.length)
    this.room(value.length)
    this.bytes.set(value, this.at)
    this.at += value.length
    return this
  }

  /** u16 length, then the UTF-8; throws RangeError past 65,535 bytes. */
  text (value: string): this {
    this.room(2 + value.length * 3)
    const written = this.bytes.write(value, this.at + 2, 'utf8')
    if (written > 0xffff) throw new RangeError(`text of ${written} bytes does not fit a u16 length`)
    this.view.setUint16(this.at, written)
    this.at += 2 + written
    return this
  }

  /** The bytes as they are, no length. */
  raw (value: Uint8Array): this {
    this.room(value.length)
    this.bytes.set(value, this.at)
    this.at += value.length
    return this
  }

  /** Starts a new message (and gives back what a large one made the buffer grow to). */
  reset (): this {
    this.at = 0
    if (this.bytes.length > 16 * this.capacity) this.allocate(this.capacity)
    return this
  }

  /** A copy of what was written since the last reset (a plain Uint8Array). */
  finish (): Uint8Array {
    return new Uint8Array(this.bytes.subarray(0, this.at))
  }

  private room (bytes: number): void {
    if (this.at + bytes <= this.bytes.length) return
    const written = this.bytes.subarray(0, this.at)
    this.allocate(Math.max(this.bytes.length * 2, this.at + bytes))
    this.bytes.set(written)
  }

  private allocate (capacity: number): void {
    this.bytes = Buffer.alloc(capacity)
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  }
}

/** Reads what a ByteWriter wrote; past the end, or text that is not UTF-8, it throws `fail()`'s error. */
export class ByteReader {
  private at = 0
  private readonly view: DataView

  constructor (private readonly bytes: Uint8Array, private readonly fail: (why: string) => Error) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get done (): boolean {
    return this.at === this.bytes.length
  }

  u8 (): number {
    this.need(1)
    return this.bytes[this.at++] as number
  }

  u16 (): number {
    this.need(2)
    const value = this.view.getUint16(this.at)
    this.at += 2
    return value
  }

  u32 (): number {
    this.need(4)
    const value = this.view.getUint32(this.at)
    this.at += 4
    return value
  }

  f64 (): number {
    this.need(8)
    const value = this.view.getFloat64(this.at)
    this.at += 8
    return value
  }

  /** A view of the next u32-length-prefixed bytes (decode or copy it; do not keep it). */
  bytesWithLength (): Uint8Array {
    const length = this.u32()
    this.need(length)
    const value = this.bytes.subarray(this.at, this.at + length)
    this.at += length
    return value
  }

  /** A view of every byte not read yet (the reader is then done). */
  rest (): Uint8Array {
    const value = this.bytes.subarray(this.at)
    this.at = this.bytes.length
    return value
  }

  text (): string {
    const length = this.u16()
    this.need(length)
    const view = this.bytes.subarray(this.at, this.at + length)
    this.at += length
    try {
      return utf8Decoder.decode(view)
    } catch {
      throw this.fail('text that is not UTF-8')
    }
  }

  private need (bytes: number): void {
    if (this.at + bytes > this.bytes.length) throw this.fail('cut short')
  }
}
