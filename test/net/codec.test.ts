import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ProtocolError, ValueTooLargeError } from '../../src/common/errors.js'
import { decodeFrameBody, encodeFrame, encodeFrameBody, FrameDecoder, joinFrameBodies, type Frame } from '../../src/net/codec.js'

const request: Frame = { id: 1, op: '/dcache/rpc/1.0.0', data: new Uint8Array([1, 2, 3]), deadline: 5000 }
const okResponse: Frame = { id: 1, ok: new Uint8Array([9]) }
const errorResponse: Frame = { id: 2, error: { code: 'KEY_NOT_FOUND', message: 'key not found: k' } }

/** Frames compared as plain data (decoded bytes come back as Buffers). */
const plain = (frames: Frame[]): unknown => JSON.parse(JSON.stringify(frames, (_k, v: unknown) => v instanceof Uint8Array ? [...v] : v))

/** A raw frame with an arbitrary body, as a misbehaving peer would send it. */
function rawFrame (body: Uint8Array): Uint8Array {
  return joinFrameBodies([body])
}

test('request, response and error frames round-trip', () => {
  for (const frame of [request, okResponse, errorResponse]) {
    assert.equal(plain(new FrameDecoder().push(encodeFrame(frame))), plain([frame]))
  }
})

test('several frames in one chunk all come out, in order', () => {
  const decoder = new FrameDecoder()
  const frames = decoder.push(joinFrameBodies([request, okResponse, errorResponse].map((f) => encodeFrameBody(f))))
  assert.equal(plain(frames), plain([request, okResponse, errorResponse]))
  assert.is(decoder.buffered, 0)
})

test('a frame fed one byte at a time comes out once, at its last byte', () => {
  const bytes = encodeFrame(request)
  const decoder = new FrameDecoder()
  for (let i = 0; i < bytes.length - 1; i++) assert.equal(decoder.push(bytes.subarray(i, i + 1)), [])
  assert.ok(decoder.buffered > 0)
  assert.equal(plain(decoder.push(bytes.subarray(bytes.length - 1))), plain([request]))
  assert.is(decoder.buffered, 0)
})

test('any chunking of a frame sequence decodes to the same frames', () => {
  const frameArb: fc.Arbitrary<Frame> = fc.oneof(
    fc.record({ id: fc.nat(), op: fc.string(), data: fc.uint8Array({ maxLength: 300 }), deadline: fc.nat() }),
    fc.record({ id: fc.nat(), ok: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ id: fc.nat(), error: fc.record({ code: fc.string(), message: fc.string() }) })
  )
  fc.assert(fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
    const bytes = joinFrameBodies(frames.map((f) => encodeFrameBody(f)))
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

test('a body that is not msgpack is a ProtocolError', () => {
  assert.throws(() => new FrameDecoder().push(rawFrame(new Uint8Array([0xc1, 0xc1, 0xc1]))), (err: unknown) => err instanceof ProtocolError)
})

test('trailing bytes after the msgpack value are a ProtocolError', () => {
  const body = encodeFrameBody(okResponse)
  const padded = new Uint8Array(body.length + 1)
  padded.set(body)
  assert.throws(() => decodeFrameBody(padded), (err: unknown) => err instanceof ProtocolError)
})

test('msgpack that is not a frame is a ProtocolError', () => {
  const shapes: unknown[] = [42, 'x', null, [], { id: 1 }, { id: -1, ok: new Uint8Array() }, { id: 1.5, ok: new Uint8Array() },
    { id: 1, op: 7, data: new Uint8Array(), deadline: 1 }, { id: 1, op: 'x', data: 'not bytes', deadline: 1 },
    { id: 1, error: { code: 1, message: 'm' } }]
  for (const shape of shapes) {
    const body = encodeFrameBody(shape as Frame)
    assert.throws(() => decodeFrameBody(body), (err: unknown) => err instanceof ProtocolError, JSON.stringify(shape))
  }
})

test('encoding a frame above the limit throws ValueTooLargeError', () => {
  const big: Frame = { id: 1, ok: new Uint8Array(2000) }
  assert.throws(() => encodeFrameBody(big, 1024), (err: unknown) => err instanceof ValueTooLargeError)
  assert.ok(encodeFrameBody(big, 4096).length > 2000)
})

test('decoded data does not share memory with the incoming chunk', () => {
  const chunk = encodeFrame(okResponse)
  const [frame] = new FrameDecoder().push(chunk)
  chunk.fill(0)
  assert.equal(plain(frame === undefined ? [] : [frame]), plain([okResponse]))
})

test.run()
