import { NotAnIntegerError } from '../common/errors.js'

/** A counter step: a safe integer or a bigint. */
export type CounterDelta = number | bigint

export function checkDelta (delta: unknown): asserts delta is CounterDelta {
  if (typeof delta === 'bigint' || Number.isSafeInteger(delta)) return
  throw new NotAnIntegerError('delta must be a safe integer or a bigint')
}

/**
 * `current + delta` for increment/decrement. Numbers stay numbers while the result is a safe integer (|n| <= 2^53-1)
 * and past that throw NotAnIntegerError rather than lose precision; a bigint on either side makes a bigint result
 * with no bound. Anything but an integer (floats, strings, objects) throws NotAnIntegerError.
 */
export function addToCounter (key: string, current: unknown, delta: CounterDelta): CounterDelta {
  const isInteger = typeof current === 'bigint' || Number.isSafeInteger(current)
  if (!isInteger) throw new NotAnIntegerError(`value of ${key} is not an integer`)
  if (typeof current === 'bigint' || typeof delta === 'bigint') return BigInt(current as CounterDelta) + BigInt(delta)
  const sum = (current as number) + delta
  if (!Number.isSafeInteger(sum)) {
    throw new NotAnIntegerError(`${key} would pass 2^53-1; store the counter as a bigint for larger values`)
  }
  return sum
}
