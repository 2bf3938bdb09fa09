import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigurationError } from '../../src/common/errors.js'
import { parseBytes, parseMilliseconds, parseSeconds } from '../../src/config/units.js'

const bytes: Array<[number | string, number]> = [
  [0, 0], [1048576, 1048576], ['100', 100], ['100b', 100],
  ['64k', 64_000], ['64kb', 65_536], ['64KiB', 65_536],
  ['512mb', 512 * 1024 ** 2], ['512m', 512e6], ['1gb', 1024 ** 3], ['1GB', 1024 ** 3], ['2g', 2e9],
  [' 2 MB ', 2 * 1024 ** 2], ['1.5kb', 1536], ['1tb', 1024 ** 4]
]

test('parseBytes reads plain numbers and sizes with units', () => {
  for (const [input, expected] of bytes) assert.is(parseBytes(input), expected, JSON.stringify(input))
})

test('parseBytes names what was wrong', () => {
  assert.throws(() => parseBytes('abc'), /invalid size "abc": expected a number with an optional unit/)
  assert.throws(() => parseBytes('5x'), /invalid size "5x"/)
  assert.throws(() => parseBytes('1.1b'), /is not a whole number of bytes/)
  assert.throws(() => parseBytes(-1), /non-negative/)
  assert.throws(() => parseBytes(1.5), /whole/)
  assert.throws(() => parseBytes(''), (e: unknown) => e instanceof ConfigurationError)
})

const seconds: Array<[number | string, number]> = [
  [30, 30], [0, 0], ['30', 30], ['10s', 10], ['5m', 300], ['1h', 3600], ['500ms', 0.5], ['1d', 86_400],
  ['1h30m', 5400], ['2.5s', 2.5], [' 10S ', 10]
]

test('parseSeconds reads numbers of seconds and durations with units', () => {
  for (const [input, expected] of seconds) assert.is(parseSeconds(input), expected, JSON.stringify(input))
})

test('parseMilliseconds reads bare numbers as milliseconds and units as given', () => {
  assert.is(parseMilliseconds(5000), 5000)
  assert.is(parseMilliseconds('250'), 250)
  assert.is(parseMilliseconds('5s'), 5000)
  assert.is(parseMilliseconds('1m'), 60_000)
  assert.is(parseMilliseconds('750ms'), 750)
})

test('durations name what was wrong', () => {
  assert.throws(() => parseSeconds('abc'), /invalid duration "abc": expected a number with a unit \(ms, s, m, h, d\)/)
  assert.throws(() => parseSeconds('10 parsecs'), /invalid duration "10 parsecs"/)
  assert.throws(() => parseSeconds('5m junk'), /invalid duration/)
  assert.throws(() => parseSeconds(''), /invalid duration ""/)
  assert.throws(() => parseSeconds(-5), /non-negative/)
  assert.throws(() => parseMilliseconds(Number.NaN), /finite/)
})

test.run()
