import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeValue, encodeValue } from '../../src/common/codec.js'

const ROUND_TRIPS: Array<[string, unknown]> = [
  ['string', 'héllo ☃'],
  ['small int', 42],
  ['negative int', -7],
  ['int above 2^32', 2 ** 40],
  ['max safe int', Number.MAX_SAFE_INTEGER],
  ['float', 1.5],
  ['small bigint', 5n],
  ['zero bigint', 0n],
  ['64-bit bigint', -(2n ** 63n)],
  ['bigint past 64 bits', 2n ** 100n + 1n],
  ['boolean', false],
  ['null', null],
  ['array', [1, 'two', [3]]],
  ['object', { a: { b: [true, null] }, c: 'd' }],
  ['bytes', new Uint8Array([0, 1, 255])]
]

for (const [name, value] of ROUND_TRIPS) {
  test(`${name} round-trips with its exact type`, () => {
    const decoded = decodeValue(encodeValue(value))
    assert.equal(decoded, value)
    assert.is(typeof decoded, typeof value)
  })
}

test('bytes decode to a plain Uint8Array, also from a Buffer, and never alias the input', () => {
  const encoded = Buffer.from(encodeValue(new Uint8Array([9, 8, 7])))
  const decoded = decodeValue(encoded) as Uint8Array
  assert.is(decoded.constructor, Uint8Array)
  encoded.fill(0)
  assert.equal([...decoded], [9, 8, 7])
})

for (const [name, value] of [['function', () => 1], ['symbol', Symbol('s')], ['undefined', undefined], ['nested function', { f: () => 1 }]] as const) {
  test(`${name} is refused with SerializationError`, () => {
    assert.throws(() => encodeValue(value), (err: Error) => err.name === 'SerializationError')
  })
}

test('truncated bytes are refused with SerializationError', () => {
  assert.throws(() => decodeValue(new Uint8Array([0x92, 0x01])), (err: Error) => err.name === 'SerializationError')
})

test.run()
