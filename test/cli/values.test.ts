// How the CLI shows values and times left: pure functions, table-driven.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { numberedLines, quoteValue, wholeMilliseconds, wholeSeconds } from '../../src/cli/values.js'

test('TTL seconds round as Redis rounds them: (ms + 500) / 1000 in integers', () => {
  const cases: Array<[number, number]> = [[0, 0], [0.499, 0], [0.5, 1], [1.4994, 1], [5.499, 5], [5.5, 6], [9.9999, 10], [3600, 3600], [0.1 + 0.2, 0]]
  for (const [left, expected] of cases) assert.is(wholeSeconds(left), expected, String(left))
  assert.is(wholeMilliseconds(5.4996), 5500)
  assert.is(wholeMilliseconds(0.0004), 0)
})

test('values are quoted as redis-cli shows them, so no stored value reads as a miss', () => {
  const cases: Array<[unknown, string]> = [
    [undefined, '(nil)'], ['(nil)', '"(nil)"'], ['', '""'], ['say "hi"\n', '"say \\"hi\\"\\n"'], ['ключ', '"ключ"'],
    [5, '(integer) 5'], [-(2n ** 70n), `(integer) ${String(-(2n ** 70n))}`], [1.5, '1.5'], [null, 'null'], [{ a: [1] }, '{"a":[1]}'],
    [new Uint8Array([0x61, 0x00, 0x7f, 0xff, 0x5c, 0x09]), '"a\\x00\\x7f\\xff\\\\\\t"']
  ]
  for (const [value, shown] of cases) assert.is(quoteValue(value), shown, String(value))
})

test('multi-key answers are numbered from 1, errors with their code', () => {
  assert.equal(numberedLines([{ value: 'a' }, { value: undefined }, { error: { code: 'TIMEOUT', message: 'no answer' } }]),
    ['1) "a"', '2) (nil)', '3) (error) TIMEOUT no answer'])
})

test.run()
