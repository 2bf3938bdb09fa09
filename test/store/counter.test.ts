// The value rule of counters, shared by the engine, the cluster and every interface: what counts as an integer.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addToCounter, counterValue } from '../../src/store/counter.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const MAX = Number.MAX_SAFE_INTEGER

test('integers count as themselves, and decimal integers in canonical form as Redis reads them', () => {
  const cases: Array<[unknown, number | bigint]> = [
    [0, 0], [-7, -7], [MAX, MAX], [2n ** 70n, 2n ** 70n],
    ['0', 0], ['5', 5], ['-5', -5], ['42', 42], [String(MAX), MAX], [String(-MAX), -MAX],
    [utf8('5'), 5], [utf8('-120'), -120]
  ]
  for (const [value, expected] of cases) assert.is(counterValue(value), expected, String(value))
})

test('anything else is not an integer: leading zeros, signs, spaces, fractions, out of range, other types', () => {
  const cases: unknown[] = [
    '', '-', '-0', '05', '+5', ' 5', '5 ', '5\n', '1.5', '1e3', '0x10', 'five', '٣', // Arabic-Indic three
    String(MAX + 1), String(-MAX - 1), '9'.repeat(40),
    1.5, NaN, Infinity, MAX + 1, null, true, { n: 1 }, [1],
    utf8('5\n'), new Uint8Array([0xff]), new Uint8Array(0), utf8('1'.repeat(20))
  ]
  for (const value of cases) assert.is(counterValue(value), undefined, JSON.stringify(String(value)))
})

test('the sum keeps numbers while safe and refuses to pass ±(2^53-1), naming the bound and the key', () => {
  assert.is(addToCounter('n', '5', 1), 6)
  assert.is(addToCounter('n', utf8('5'), -10), -5)
  assert.is(addToCounter('n', '5', 2n), 7n)
  assert.throws(() => addToCounter('up', MAX, 1), (err: Error) => err.name === 'NotAnIntegerError' && /up is 9007199254740991; adding 1 would pass 2\^53-1 \(9007199254740991\)/.test(err.message))
  assert.throws(() => addToCounter('c3', -MAX, -2), (err: Error) => /c3 is -9007199254740991; adding -2 would pass -\(2\^53-1\) \(-9007199254740991\).*put c3 0/.test(err.message))
  assert.throws(() => addToCounter('s', 'hello', 1), (err: Error) => err.name === 'NotAnIntegerError' && /^value of s is not an integer/.test(err.message))
})

test('a huge key is named by its first 40 characters and its length, not echoed whole', () => {
  const key = 'k'.repeat(1100)
  assert.throws(() => addToCounter(key, 'x', 1), (err: Error) => err.message.includes(`"${'k'.repeat(40)}"… (1100 bytes)`) && err.message.length < 250)
})

test.run()
