import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { ProtocolError } from '../../src/common/errors.js'
import { encodeValue } from '../../src/common/codec.js'
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from '../../src/node/request-codec.js'
import type { CacheRequest } from '../../src/node/protocol.js'

/** Requests compared as plain data: bytes (Buffers too) as arrays, bigints as strings, no undefined fields. */
function plain (value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value]
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]))
  }
  return value
}

test('the hot requests round-trip in binary with every option; the rest, and what binary cannot carry, as msgpack', () => {
  const binary: CacheRequest[] = [
    { op: 'get', key: 'k' },
    { op: 'get', key: 'ключ ☃', siblings: true, consistency: 'all', minTs: 123456789.5, hops: 1 },
    { op: 'put', key: 'k', value: encodeValue('v'), ttl: 60, consistency: 'one' },
    { op: 'put', key: 'k', value: encodeValue(new Uint8Array(70_000)), ttl: 0 },
    { op: 'delete', keys: ['a', 'b', 'c'], consistency: 'quorum' },
    { op: 'incr', key: 'n', delta: 5 },
    { op: 'incr', key: 'n', delta: -(2n ** 63n) },
    { op: 'exists', key: 'e', minTs: 7 },
    { op: 'mget', keys: ['x', 'y'] }
  ]
  for (const req of binary) {
    const bytes = encodeRequest(req)
    assert.ok((bytes[0] as number) < 0x10, `${req.op} goes binary`)
    const { request, binary: wasBinary } = decodeRequest(bytes)
    assert.ok(wasBinary)
    assert.equal(plain(request), plain(req))
  }
  const msgpack: CacheRequest[] = [
    { op: 'put', key: 'k', value: encodeValue(1), context: [[1, 2]] },
    { op: 'mget', keys: ['x'], minTs: [5] },
    { op: 'clear' },
    { op: 'touch', key: 't', ttl: 3 }
  ]
  for (const req of msgpack) {
    const { request, binary } = decodeRequest(encodeRequest(req))
    assert.not.ok(binary, req.op)
    assert.equal(plain(request), plain(req))
  }
})

test('keys of any UTF-8 text and length survive the binary form', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }), (key, keys) => {
    assert.equal(plain(decodeRequest(encodeRequest({ op: 'get', key })).request), plain({ op: 'get', key }))
    assert.equal(plain(decodeRequest(encodeRequest({ op: 'delete', keys })).request), plain({ op: 'delete', keys }))
  }), { seed: 7, numRuns: 200 })
})

test('replies to a binary get, put and exists are binary and round-trip; a msgpack request gets msgpack back', () => {
  const get: CacheRequest = { op: 'get', key: 'k' }
  const replies: Array<[CacheRequest, unknown]> = [
    [get, { value: encodeValue('v'), ts: 1700000000000 * 1024 + 3 }],
    [get, { value: null, ts: 0 }],
    [{ op: 'put', key: 'k', value: encodeValue(1) }, { acked: 3, ts: 42 }],
    [{ op: 'exists', key: 'k' }, { value: true, ts: 9 }],
    [{ op: 'exists', key: 'k' }, { value: false, ts: 0 }]
  ]
  for (const [req, reply] of replies) {
    const bytes = encodeReply(req, reply, true)
    assert.ok((bytes[0] as number) < 0x10, req.op)
    assert.equal(plain(decodeReply(req, bytes, true)), plain(reply))
    const asMsgpack = encodeReply(req, reply, false)
    assert.ok((asMsgpack[0] as number) >= 0x80, `${req.op} stays msgpack for a msgpack request`)
    assert.equal(plain(decodeReply(req, asMsgpack, false)), plain(reply))
  }
  const siblings = { value: encodeValue('a'), ts: 5, siblings: [encodeValue('a'), encodeValue('b')], context: [[1, 5]] }
  assert.equal(plain(decodeReply(get, encodeReply(get, siblings, true), true)), plain(siblings), 'siblings travel as msgpack')
  assert.equal(decodeReply({ op: 'stats' }, encodeReply({ op: 'stats' }, undefined, true), true), null)
})

test('small numbers answered in msgpack are not taken for binary answers (clear of 0 to 15 keys)', () => {
  for (const removed of [0, 1, 3, 5, 15]) assert.is(decodeReply({ op: 'clear' }, encodeReply({ op: 'clear' }, removed, true), true), removed)
  const ops: CacheRequest[] = [{ op: 'clear' }, { op: 'get', key: 'k' }]
  const answers = [{ ok: true, value: 2 }, { ok: true, value: { value: null, ts: 0 } }]
  assert.equal(plain(decodeReply({ op: 'batch', ops }, encodeReply({ op: 'batch', ops }, answers, true), true)), plain(answers))
})

test('a batch travels binary both ways, its requests and answers in whatever form each has', () => {
  const ops: CacheRequest[] = [{ op: 'put', key: 'a', value: encodeValue(1), ttl: 5 }, { op: 'get', key: 'a' }, { op: 'touch', key: 'a', ttl: 9 }, { op: 'incr', key: 'n', delta: 2 }]
  const bytes = encodeRequest({ op: 'batch', ops })
  assert.is(bytes[0], 7)
  const { request, binary } = decodeRequest(bytes)
  assert.ok(binary)
  assert.equal(plain(request), plain({ op: 'batch', ops }))
  const answers = [
    { ok: true, value: { acked: 1, ts: 3 } },
    { ok: true, value: { value: encodeValue(1), ts: 3 } },
    { ok: false, error: { code: 'KEY_NOT_FOUND', message: 'key not found: a' } },
    { ok: true, value: { value: 2, ts: 4 } }
  ]
  const reply = encodeReply({ op: 'batch', ops }, answers, true)
  assert.ok((reply[0] as number) < 0x10)
  assert.equal(plain(decodeReply({ op: 'batch', ops }, reply, true)), plain(answers))
  assert.throws(() => decodeRequest(bytes.subarray(0, bytes.length - 1)), (err: unknown) => err instanceof ProtocolError)
})

test('a binary request cut short, with an unknown opcode or level, or a key that is not UTF-8 is a ProtocolError', () => {
  const good = encodeRequest({ op: 'get', key: 'abc', consistency: 'one' })
  const bad = [
    good.subarray(0, 1),
    good.subarray(0, good.length - 1),
    Uint8Array.from([0x0f, 0]),
    Uint8Array.from([1, 1, 9, 0, 1, 0x61]),
    Uint8Array.from([1, 0, 0, 2, 0xff, 0xfe])
  ]
  for (const bytes of bad) assert.throws(() => decodeRequest(bytes), (err: unknown) => err instanceof ProtocolError, JSON.stringify([...bytes]))
})

test.run()
