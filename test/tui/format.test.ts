import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatBytes, formatCount, formatPercent, previewValue } from '../../src/tui/format.js'

test('bytes, counts and ratios are short', () => {
  assert.equal([0, 1536, 5 * 1024 ** 2, 1024 ** 3].map(formatBytes), ['0B', '1.5K', '5.0M', '1.0G'])
  assert.equal([0, 0.5, 42, 12_345, 2_500_000].map(formatCount), ['0', '0.5', '42', '12.3k', '2.5M'])
  assert.equal([undefined, 0.9734].map(formatPercent), ['-', '97.3%'])
})

test('value previews quote strings, show bytes in hex, and are cut to the width', () => {
  assert.is(previewValue('hi', 20), '"hi"')
  assert.is(previewValue(undefined, 20), '(miss)')
  assert.is(previewValue(new Uint8Array([1, 255]), 40), '<2 bytes> 01ff')
  assert.is(previewValue({ n: 10n }, 40), '{"n":"10n"}')
  assert.is(previewValue('x'.repeat(50), 10), '"xxxxxxxx…')
})

test.run()
