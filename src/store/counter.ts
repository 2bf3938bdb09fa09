import { NotAnIntegerError } from '../common/errors.js'
import { describeKey } from './input-rules.js'

/** A counter step: a safe integer or a bigint. */
export type CounterDelta = number | bigint

/** Redis's integer form: no sign but '-', no leading zeros, no spaces; '-0' is not one. */
const DECIMAL_INTEGER = /^(?:-?[1-9][0-9]*|0)$/
/** Digits of ±(2^53-1) plus a sign: any longer text is out of range without parsing. */
const MAX_DECIMAL_LENGTH = 17
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function checkDelta (delta: unknown): asserts delta is CounterDelta {
  if (typeof delta === 'bigint' || Number.isSafeInteger(delta)) return
  throw new NotAnIntegerError('delta must be a safe integer or a bigint')
}

/**
 * The number written as `text` if it is a decimal integer in canonical form (what Redis's INCR accepts:
 * -?[1-9][0-9]*|0) within ±(2^53-1); else undefined. Used for stored strings and for typed counter steps.
 */
export function parseDecimalInteger (text: string): number | undefined {
  if (text.length > MAX_DECIMAL_LENGTH || !DECIMAL_INTEGER.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * The integer a stored value counts as, or undefined if it is none. The one value rule of every interface (engine,
 * cluster, CLI, batch, and the Redis gateway to come): a number that is a safe integer, a bigint, or a string or
 * UTF-8 bytes holding a decimal integer in canonical form within ±(2^53-1), as Redis's INCR parses a value; so
 * `put n 5` from the CLI, which stores the string "5", can be incremented.
 */
export function counterValue (value: unknown): CounterDelta | undefined {
  if (typeof value === 'bigint' || Number.isSafeInteger(value)) return value as CounterDelta
  if (typeof value === 'string') return parseDecimalInteger(value)
  if (value instanceof Uint8Array && value.length <= MAX_DECIMAL_LENGTH) {
    try {
      return parseDecimalInteger(utf8.decode(value))
    } catch {
      return undefined // not UTF-8
    }
  }
  return undefined
}

/**
 * `current + delta` for increment/decrement, `current` read by the value rule of `counterValue`. The result is a
 * number while it is a safe integer (|n| <= 2^53-1) and past that throws NotAnIntegerError rather than lose
 * precision; a bigint on either side makes a bigint result with no bound. Anything that is not an integer by that
 * rule (floats, other strings, objects) throws NotAnIntegerError naming the key.
 */
export function addToCounter (key: string, current: unknown, delta: CounterDelta): CounterDelta {
  const value = counterValue(current)
  if (value === undefined) {
    // the rule itself is in `incr --help` and the README; the message stays one short line
    throw new NotAnIntegerError(`value of ${describeKey(key)} is not an integer`)
  }
  if (typeof value === 'bigint' || typeof delta === 'bigint') return BigInt(value) + BigInt(delta)
  const sum = value + delta
  if (!Number.isSafeInteger(sum)) {
    const bound = sum > 0 ? '2^53-1 (9007199254740991)' : '-(2^53-1) (-9007199254740991)'
    const name = describeKey(key)
    throw new NotAnIntegerError(`${name} is ${value}; adding ${delta} would pass ${bound}, the counter's limit: set it to a smaller value (e.g. put ${name} 0) or, from the library, store it as a bigint`)
  }
  return sum
}
