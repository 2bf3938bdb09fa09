// The client's Noise key derivation in node:crypto derives the same keys as the library's own (@noble/hashes).
import { randomBytes } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import { noiseCrypto } from '../../src/net/libp2p/noise-crypto.js'

test('getHKDF matches the pure JavaScript HKDF for chaining keys and inputs of the sizes Noise uses', () => {
  for (const ikmBytes of [0, 32, 33, 100]) {
    const ck = randomBytes(32)
    const ikm = randomBytes(ikmBytes)
    const expected = pureJsCrypto.getHKDF(ck, ikm).map((k) => Buffer.from(k).toString('hex'))
    const actual = noiseCrypto.getHKDF(ck, ikm).map((k) => Buffer.from(k).toString('hex'))
    assert.equal(actual, expected, `ikm of ${ikmBytes} bytes`)
  }
})

test.run()
