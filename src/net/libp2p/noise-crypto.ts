import { hkdfSync } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'

const NO_INFO = new Uint8Array(0)
/** Noise derives two or three 32-byte keys at a time; RFC 5869 HKDF with the chaining key as salt yields them in a row. */
const KEY_BYTES = 32

/**
 * Noise's Node.js crypto with its key derivation in node:crypto too: the stock one runs HKDF in @noble/hashes, which
 * a fresh process runs cold (interpreted JavaScript) for every handshake; that cost each CLI command a few
 * milliseconds of its dial.
 */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  getHKDF (ck, ikm) {
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, NO_INFO, 3 * KEY_BYTES))
    return [okm.subarray(0, KEY_BYTES), okm.subarray(KEY_BYTES, 2 * KEY_BYTES), okm.subarray(2 * KEY_BYTES)]
  }
}
