import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashKey } from '../../src/ring/hash.js'

// Reference values of MurmurHash3_x86_32 with seed 0 (SMHasher), over UTF-8.
const vectors: Array<[string, number]> = [
  ['', 0],
  ['abc', 0xb3dd93fa],
  ['Hello, world!', 0xc0363e43],
  ['The quick brown fox jumps over the lazy dog', 0x2e4ff723]
]

test('matches MurmurHash3_x86_32 reference values', () => {
  for (const [input, expected] of vectors) assert.is(hashKey(input), expected, JSON.stringify(input))
})

test('hashes the UTF-8 bytes, so non-ASCII keys and long keys work', () => {
  const long = 'é'.repeat(500)
  assert.is(hashKey(long), hashKey('é'.repeat(500)))
  assert.is.not(hashKey('é'), hashKey('e'))
  assert.ok(hashKey('🔑') >= 0 && hashKey('🔑') < 2 ** 32)
})

test.run()
