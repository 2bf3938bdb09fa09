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
  bytes.set(scratchBytes, at)
}

export function readF64 (bytes: Uint8Array, at: number): number {
  scratchBytes.set(bytes.subarray(at, at + 8))
  return scratch.getFloat64(0)
}
