import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ProtocolError, ValueTooLargeError } from '../../src/common/errors.js'
import { decodeFrameBody, encodeFrame, encodeFrameParts, FrameDecoder, joinParts, type Frame, type FrameFormat } from '../../src/net/codec.js'

const request: Frame = { id: 1, op: '/dcache/cache/2.0.0', data: new Uint8Array([1, 2, 3]), deadline: 5000 }
const FORMATS: FrameFormat[] = ['binary', 'msgpack']
const okResponse: Frame = { id: 1, ok: new Uint8Array([9]) }
const errorResponse: Frame = { id: 2, error: { code: 'KEY_NOT_FOUND', message: 'key not found: k' } }

/** Frames compared as plain data (decoded bytes come back as Buffers), without the format a decoded request notes. */
const plain = (frames: Frame[]): unknown => JSON.parse(JSON.stringify(frames, (k, v: unknown) => k === 'format' ? undefined : v instanceof Uint8Array ? [...v] : v))

/** A raw frame with an arbitrary body, as a misbehaving peer would send it. */
function rawFrame (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length)
  new DataView(out.buffer).setUint32(0, body.length)
  out.set(body, 4)
  return out
}

/** The frames in one buffer, as a batch goes out. */
function joined (frames: Frame[], format: FrameFormat): Uint8Array {
  return joinParts(frames.flatMap((f) => encodeFrameParts(f, format)))
}

/** A frame's body alone (no length prefix). */
function body (frame: Frame, format: FrameFormat, maxFrameBytes?: number): Uint8Array {
  return encodeFrame(frame, format, maxFrameBytes).subarray(4)
}

test('request, response and error frames round-trip in both formats, and one decoder reads both', () => {
  for (const format of FORMATS) {
    for (const frame of [request, okResponse, errorResponse]) {
      assert.equal(plain(new FrameDecoder().push(encodeFrame(frame, format))), plain([frame]), format)
    }
  }
  const mixed = joinParts([...encodeFrameParts(request, 'binary'), ...encodeFrameParts(okResponse, 'msgpack'), ...encodeFrameParts(request, 'msgpack')])
  const decoded = new FrameDecoder().push(mixed)
  assert.equal(plain(decoded), plain([request, okResponse, request]))
  assert.equal(decoded.map((f) => 'format' in f ? f.format : undefined), ['binary', undefined, 'msgpack'], 'a request notes the format it came in')
})

test('a binary request carries its payload after 14 bytes of envelope and the op', () => {
  const bytes = encodeFrame(request, 'binary')
  assert.is(bytes.length, 4 + 10 + request.op.length + 3)
  assert.is(bytes[4], 0x01)
  assert.ok(bytes.length < encodeFrame(request, 'msgpack').length)
})

test('several frames in one chunk all come out, in order', () => {
  for (const format of FORMATS) {
    const decoder = new FrameDecoder()
    const frames = decoder.push(joined([request, okResponse, errorResponse], format))
    assert.equal(plain(frames), plain([request, okResponse, errorResponse]))
    assert.is(decoder.buffered, 0)
  }
})

test('a frame fed one byte at a time comes out once, at its last byte', () => {
  for (const format of FORMATS) {
    const bytes = encodeFrame(request, format)
    const decoder = new FrameDecoder()
    for (let i = 0; i < bytes.length - 1; i++) assert.equal(decoder.push(bytes.subarray(i, i + 1)), [])
    assert.ok(decoder.buffered > 0)
    assert.equal(plain(decoder.push(bytes.subarray(bytes.length - 1))), plain([request]))
    assert.is(decoder.buffered, 0)
  }
})

test('any chunking of a frame sequence decodes to the same frames', () => {
  const frameArb: fc.Arbitrary<Frame> = fc.oneof(
    fc.record({ id: fc.nat(0xffffffff), op: fc.string({ maxLength: 60 }), data: fc.uint8Array({ maxLength: 300 }), deadline: fc.nat(0xffffffff) }),
    fc.record({ id: fc.nat(0xffffffff), ok: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ id: fc.nat(0xffffffff), error: fc.record({ code: fc.string(), message: fc.string() }) })
  )
  const formatArb = fc.constantFrom<FrameFormat>(...FORMATS)
  fc.assert(fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), formatArb, (frames, cuts, format) => {
    const bytes = joined(frames, format)
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
    const decoder = new FrameDecoder()
    const out: Frame[] = []
    let start = 0
    for (const end of [...points, bytes.length]) {
      out.push(...decoder.push(bytes.subarray(start, end)))
      start = end
    }
    assert.equal(plain(out), plain(frames))
  }), { seed: 42, numRuns: 300 })
})

test('a length prefix above the limit is a ProtocolError before the body arrives', () => {
  const decoder = new FrameDecoder(1024)
  assert.throws(() => decoder.push(new Uint8Array([0, 0, 4, 1])), (err: unknown) => err instanceof ProtocolError)
})

test('a zero-length frame is a ProtocolError', () => {
  assert.throws(() => new FrameDecoder().push(new Uint8Array(4)), (err: unknown) => err instanceof ProtocolError)
})

test('a body that is neither format is a ProtocolError', () => {
  assert.throws(() => new FrameDecoder().push(rawFrame(new Uint8Array([0xc1, 0xc1, 0xc1]))), (err: unknown) => err instanceof ProtocolError)
})

test('trailing bytes after the msgpack value are a ProtocolError', () => {
  const bytes = body(okResponse, 'msgpack')
  const padded = new Uint8Array(bytes.length + 1)
  padded.set(bytes)
  assert.throws(() => decodeFrameBody(padded), (err: unknown) => err instanceof ProtocolError)
})

test('binary frames cut short, with an op that overruns the body or is not UTF-8, or an error without a code are ProtocolErrors', () => {
  const request = body({ id: 7, op: 'op', data: new Uint8Array([1]), deadline: 1 }, 'binary')
  const bad = [
    request.subarray(0, 9),
    Uint8Array.from([...request.subarray(0, 9), 200, 0x6f]),
    Uint8Array.from([...request.subarray(0, 9), 2, 0xff, 0xfe]),
    new Uint8Array([0x02, 0, 0, 0]),
    Uint8Array.from([0x03, 0, 0, 0, 1, ...body({ id: 1, ok: new Uint8Array([1]) }, 'binary').subarray(5)])
  ]
  for (const frame of bad) assert.throws(() => decodeFrameBody(frame), (err: unknown) => err instanceof ProtocolError, JSON.stringify([...frame]))
})

test('msgpack that is not a frame is a ProtocolError', () => {
  const shapes: unknown[] = [42, 'x', null, [], { id: 1 }, { id: -1, ok: new Uint8Array() }, { id: 1.5, ok: new Uint8Array() },
    { id: 1, op: 7, data: new Uint8Array(), deadline: 1 }, { id: 1, op: 'x', data: 'not bytes', deadline: 1 },
    { id: 1, error: { code: 1, message: 'm' } }]
  for (const shape of shapes) {
    assert.throws(() => decodeFrameBody(body(shape as Frame, 'msgpack')), (err: unknown) => err instanceof ProtocolError, JSON.stringify(shape))
  }
})

test('encoding a frame above the limit throws ValueTooLargeError', () => {
  const big: Frame = { id: 1, ok: new Uint8Array(2000) }
  for (const format of FORMATS) {
    assert.throws(() => encodeFrameParts(big, format, 1024), (err: unknown) => err instanceof ValueTooLargeError)
    assert.ok(body(big, format, 4096).length > 2000)
  }
})

test('a binary frame\'s payload is a view of the bytes received (no copy); a msgpack frame\'s is a copy', () => {
  const binary = encodeFrame(okResponse, 'binary')
  const [viewed] = new FrameDecoder().push(binary) as unknown as [{ ok: Uint8Array }]
  assert.is(viewed.ok.buffer, binary.buffer)
  const msgpack = encodeFrame(okResponse, 'msgpack')
  const [copied] = new FrameDecoder().push(msgpack)
  msgpack.fill(0)
  assert.equal(plain(copied === undefined ? [] : [copied]), plain([okResponse]))
})

test.run()
