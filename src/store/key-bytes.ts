/**
 * Keys as bytes, for the KeyIndex. The encoding is UTF-8, extended (as WTF-8 does) to write a lone surrogate as its
 * own 3-byte sequence instead of U+FFFD, so that every JS string has its own byte string and decodes back to itself.
 * The length of a key's bytes is always Buffer.byteLength(key).
 */

/** Writes `key` into `out` (at least 3 * key.length bytes) and returns the number of bytes written. */
export function encodeKey (key: string, out: Uint8Array): number {
  let n = 0
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 0x3f)
    } else if (isHighSurrogate(c) && isLowSurrogate(key.charCodeAt(i + 1))) {
      const point = 0x10000 + ((c - 0xd800) << 10) + (key.charCodeAt(++i) - 0xdc00)
      out[n++] = 0xf0 | (point >> 18)
      out[n++] = 0x80 | ((point >> 12) & 0x3f)
      out[n++] = 0x80 | ((point >> 6) & 0x3f)
      out[n++] = 0x80 | (point & 0x3f)
    } else {
      out[n++] = 0xe0 | (c >> 12)
      out[n++] = 0x80 | ((c >> 6) & 0x3f)
      out[n++] = 0x80 | (c & 0x3f)
    }
  }
  return n
}

/** The key written by `encodeKey` at `bytes[start, start + length)`. */
export function decodeKey (bytes: Uint8Array, start: number, length: number): string {
  let key = ''
  for (let i = start, end = start + length; i < end;) {
    const b = bytes[i]
    if (b < 0x80) {
      key += String.fromCharCode(b)
      i += 1
    } else if (b < 0xe0) {
      key += String.fromCharCode(((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f))
      i += 2
    } else if (b < 0xf0) {
      key += String.fromCharCode(((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f))
      i += 3
    } else {
      key += String.fromCodePoint(((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f))
      i += 4
    }
  }
  return key
}

function isHighSurrogate (c: number): boolean {
  return c >= 0xd800 && c < 0xdc00
}

function isLowSurrogate (c: number): boolean {
  return c >= 0xdc00 && c < 0xe000 // NaN past the end of the string is neither
}
