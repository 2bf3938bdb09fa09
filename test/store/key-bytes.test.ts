import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeKey, encodeKey } from '../../src/store/key-bytes.js'

function encode (key: string): Uint8Array {
  const out = new Uint8Array(3 * key.length)
  return out.subarray(0, encodeKey(key, out))
}

test('every string, lone surrogates included, encodes to Buffer.byteLength bytes and decodes back to itself', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (key) => {
    const bytes = encode(key)
    assert.is(bytes.length, Buffer.byteLength(key))
    assert.is(decodeKey(bytes, 0, bytes.length), key)
  }), { seed: 20240613, numRuns: 1000 })
})

test('a well-formed string encodes to its UTF-8 bytes', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
    assert.equal([...encode(key)], [...Buffer.from(key, 'utf8')])
  }), { seed: 20240613, numRuns: 1000 })
})

test('lone surrogates get bytes of their own, unlike U+FFFD', () => {
  const keys = ['a\ud800', 'a\udc00', 'a\ufffd', '\udc00\ud800']
  const encoded = keys.map((k) => Buffer.from(encode(k)).toString('hex'))
  assert.is(new Set(encoded).size, keys.length)
})

test.run()
