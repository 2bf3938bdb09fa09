import { InvalidKeyError, ValueTooLargeError } from '../common/errors.js'

/** Longest key shown whole in a message; a longer one is cut here and its length given instead. */
const SHOWN_KEY_CHARS = 40
const PLAIN_KEY = /^[\x21-\x7e\u{a0}-\u{10ffff}]+$/u

/**
 * A key as an error message names it: as it is when short and printable, else quoted (so an empty key or one with
 * spaces is visible), and cut to its first 40 characters plus its length when longer, so a huge key is never echoed.
 */
export function describeKey (key: string): string {
  if (key.length > SHOWN_KEY_CHARS) return `${JSON.stringify(key.slice(0, SHOWN_KEY_CHARS))}… (${Buffer.byteLength(key)} bytes)`
  return PLAIN_KEY.test(key) ? key : JSON.stringify(key)
}

/**
 * The key rule of the engine, and of a client before it sends anything: a non-empty string of at most
 * `maxKeyBytes` UTF-8 bytes. Throws InvalidKeyError naming the key.
 */
export function checkKey (key: unknown, maxKeyBytes: number): asserts key is string {
  if (typeof key !== 'string') throw new InvalidKeyError(`invalid key ${String(key)}: a key must be a string`)
  if (key.length === 0) throw new InvalidKeyError('invalid key "": a key must be a non-empty string')
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short keys skip the byte count.
  if (key.length * 3 > maxKeyBytes && Buffer.byteLength(key) > maxKeyBytes) {
    throw new InvalidKeyError(`invalid key ${describeKey(key)}: longer than ${maxKeyBytes} UTF-8 bytes`)
  }
}

/**
 * The value rule: `size` (a value's own bytes, see codec.ts valueSize, plus any metadata stored with it) must not
 * pass `maxValueBytes`. Throws ValueTooLargeError naming the key, the size and the limit.
 */
export function checkValueSize (key: string, size: number, maxValueBytes: number): void {
  if (size > maxValueBytes) throw new ValueTooLargeError(`value of ${describeKey(key)} is ${size} bytes; the limit (maxValueBytes) is ${maxValueBytes}`)
}
