/**
 * RPC frames on the wire: a 4-byte big-endian body length, then the body, in one of two formats.
 * - binary (version 2, `/dcache/rpc/2.0.0`): a tag byte, then fixed fields, then the payload as it is, copied once
 *   on the way out and not at all on the way in:
 *   request `0x01 id:u32 deadline:u32 opLength:u8 op data…`, response `0x02 id:u32 data…`,
 *   error `0x03 id:u32 msgpack{code, message, details?}`.
 * - msgpack (version 1, `/dcache/rpc/1.0.0`): a map `{id, op, data, deadline}`, `{id, ok}` or `{id, error}`, for
 *   peers that only speak version 1.
 * A body says its own format (a msgpack map starts at 0x80 or above), so a decoder reads both.
 * APPEND ONLY: tags, field order and msgpack field names are on the wire.
 */
import { ProtocolError, ValueTooLargeError, type WireError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import { readU32, writeU32 } from '../common/bytes.js'
import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES } from './constants.js'

export interface RequestFrame {
  /** Chosen by the caller, unique among its requests in flight on one stream (a u32: it wraps). */
  id: number
  /** The Transport protocol the request is for (its handler on the remote side). */
  op: string
  /** A binary frame's payload is a view into the bytes received: decode it, do not keep it. */
  data: Uint8Array
  /** Milliseconds the caller will still wait, counted from when the frame is sent (peers' clocks may differ). */
  deadline: number
  /** The format it came in, set when decoded: its answer goes in the same one, whatever the peer's version. */
  format?: FrameFormat
}

export type ResponseFrame = { id: number, ok: Uint8Array } | { id: number, error: WireError }

export type Frame = RequestFrame | ResponseFrame

export type FrameFormat = 'binary' | 'msgpack'

const REQUEST_TAG = 0x01
const RESPONSE_TAG = 0x02
const ERROR_TAG = 0x03
/** Bytes of a binary request before its op: tag, id, deadline, op length. */
const REQUEST_FIXED_BYTES = 10
/** Bytes of a binary response before its payload: tag, id. */
const RESPONSE_FIXED_BYTES = 5
const MAX_U32 = 0xffffffff
/** Longest op name a binary request carries (its length is one byte). */
const MAX_OP_BYTES = 255

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

export function isRequestFrame (frame: Frame): frame is RequestFrame {
  return 'op' in frame
}

/**
 * One frame as the parts that make it up on the wire (length prefix included), to be copied once into the write that
 * carries it (joinParts). Throws ValueTooLargeError above `maxFrameBytes` (nothing is sent then).
 */
export function encodeFrameParts (frame: Frame, format: FrameFormat = 'binary', maxFrameBytes = MAX_FRAME_BYTES): Uint8Array[] {
  if (format === 'msgpack') {
    // The project's one msgpack configuration (common/codec.ts): plain maps, and decoded bytes are copies.
    const body = encodeValue(frame)
    checkSize(body.length, maxFrameBytes)
    return [lengthPrefix(body.length), body]
  }
  if ('op' in frame) {
    const op = opBytes(frame.op)
    const length = REQUEST_FIXED_BYTES + op.length + frame.data.length
    checkSize(length, maxFrameBytes)
    const head = new Uint8Array(FRAME_HEADER_BYTES + REQUEST_FIXED_BYTES + op.length)
    writeU32(head, 0, length)
    head[4] = REQUEST_TAG
    writeU32(head, 5, frame.id)
    writeU32(head, 9, Math.min(MAX_U32, Math.max(0, Math.round(frame.deadline))))
    head[13] = op.length
    head.set(op, 14)
    return [head, frame.data]
  }
  const payload = 'ok' in frame ? frame.ok : encodeValue(frame.error)
  const length = RESPONSE_FIXED_BYTES + payload.length
  checkSize(length, maxFrameBytes)
  const head = new Uint8Array(FRAME_HEADER_BYTES + RESPONSE_FIXED_BYTES)
  writeU32(head, 0, length)
  head[4] = 'ok' in frame ? RESPONSE_TAG : ERROR_TAG
  writeU32(head, 5, frame.id)
  return [head, payload]
}

/** Copies parts into one buffer, so a batch of frames goes out in one write. */
export function joinParts (parts: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const part of parts) total += part.length
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** One complete frame on the wire (prefix + body). */
export function encodeFrame (frame: Frame, format: FrameFormat = 'binary', maxFrameBytes = MAX_FRAME_BYTES): Uint8Array {
  return joinParts(encodeFrameParts(frame, format, maxFrameBytes))
}

function lengthPrefix (length: number): Uint8Array {
  const prefix = new Uint8Array(FRAME_HEADER_BYTES)
  writeU32(prefix, 0, length)
  return prefix
}

function checkSize (bodyLength: number, maxFrameBytes: number): void {
  if (bodyLength > maxFrameBytes) throw new ValueTooLargeError(`frame of ${bodyLength} bytes exceeds the ${maxFrameBytes}-byte limit`)
}

/** The few op names a process uses, encoded once. */
const encodedOps = new Map<string, Uint8Array>()

function opBytes (op: string): Uint8Array {
  let bytes = encodedOps.get(op)
  if (bytes === undefined) {
    bytes = textEncoder.encode(op)
    if (bytes.length > MAX_OP_BYTES) throw new ProtocolError(`op name longer than ${MAX_OP_BYTES} bytes: ${op.slice(0, 40)}…`)
    if (encodedOps.size < 64) encodedOps.set(op, bytes)
  }
  return bytes
}

/**
 * Turns a byte stream back into frames, whatever the chunking: a frame split over chunks, several frames
 * in one chunk. Throws ProtocolError on a malformed or oversized frame; the stream is unusable after that.
 */
export class FrameDecoder {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES)
  private headerFilled = 0
  /** The body being assembled from several chunks, once its length is known. */
  private body: Uint8Array | undefined
  private bodyFilled = 0

  private readonly ops = new OpNames()

  constructor (private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Bytes received that do not make a whole frame yet (non-zero at end of stream means a truncated frame). */
  get buffered (): number {
    return this.headerFilled + this.bodyFilled
  }

  push (chunk: Uint8Array): Frame[] {
    const frames: Frame[] = []
    let offset = 0
    while (offset < chunk.length) {
      if (this.body === undefined) {
        let length: number
        if (this.headerFilled === 0 && chunk.length - offset >= FRAME_HEADER_BYTES) {
          length = readU32(chunk, offset)
          offset += FRAME_HEADER_BYTES
        } else {
          const n = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset)
          this.header.set(chunk.subarray(offset, offset + n), this.headerFilled)
          this.headerFilled += n
          offset += n
          if (this.headerFilled < FRAME_HEADER_BYTES) break
          length = readU32(this.header, 0)
          this.headerFilled = 0
        }
        this.checkLength(length)
        if (chunk.length - offset >= length) {
          frames.push(decodeFrameBody(chunk.subarray(offset, offset + length), this.ops))
          offset += length
          continue
        }
        this.body = new Uint8Array(length)
        this.bodyFilled = 0
      }
      const n = Math.min(this.body.length - this.bodyFilled, chunk.length - offset)
      this.body.set(chunk.subarray(offset, offset + n), this.bodyFilled)
      this.bodyFilled += n
      offset += n
      if (this.bodyFilled === this.body.length) {
        frames.push(decodeFrameBody(this.body, this.ops))
        this.body = undefined
        this.bodyFilled = 0
      }
    }
    return frames
  }

  private checkLength (length: number): void {
    if (length === 0) throw new ProtocolError('empty frame')
    if (length > this.maxFrameBytes) throw new ProtocolError(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`)
  }
}

/**
 * Decodes and validates one frame body of either format; anything that is not exactly a request or a response is a
 * ProtocolError. `ops` remembers the op names already decoded (one string per name, not one per frame).
 */
export function decodeFrameBody (body: Uint8Array, ops?: OpNames): Frame {
  const tag = body[0] as number
  if (tag === REQUEST_TAG || tag === RESPONSE_TAG || tag === ERROR_TAG) return decodeBinaryBody(body, ops)
  return decodeMsgpackBody(body)
}

function decodeBinaryBody (body: Uint8Array, ops?: OpNames): Frame {
  const tag = body[0] as number
  const fixed = tag === REQUEST_TAG ? REQUEST_FIXED_BYTES : RESPONSE_FIXED_BYTES
  if (body.length < fixed) throw new ProtocolError('binary frame shorter than its fixed fields')
  const id = readU32(body, 1)
  if (tag === REQUEST_TAG) {
    const opEnd = REQUEST_FIXED_BYTES + (body[9] as number)
    if (opEnd > body.length) throw new ProtocolError('binary request shorter than its op')
    const op = (ops ?? new OpNames()).decode(body, REQUEST_FIXED_BYTES, opEnd)
    return { id, op, data: body.subarray(opEnd), deadline: readU32(body, 5), format: 'binary' }
  }
  if (tag === RESPONSE_TAG) return { id, ok: body.subarray(RESPONSE_FIXED_BYTES) }
  let error: unknown
  try {
    error = decodeValue(body.subarray(RESPONSE_FIXED_BYTES))
  } catch (err) {
    throw new ProtocolError(`undecodable error frame: ${err instanceof Error ? err.message : String(err)}`)
  }
  const wire = checkedError(error)
  if (wire === undefined) throw new ProtocolError('error frame without a code and a message')
  return { id, error: wire }
}

function decodeMsgpackBody (body: Uint8Array): Frame {
  let value: unknown
  try {
    value = decodeValue(body)
  } catch (err) {
    throw new ProtocolError(`undecodable frame: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (typeof value !== 'object' || value === null) throw new ProtocolError('frame is not a map')
  const frame = value as Record<string, unknown>
  if (!isId(frame.id)) throw new ProtocolError('frame without a valid id')
  if ('op' in frame) {
    if (typeof frame.op !== 'string' || !(frame.data instanceof Uint8Array) || typeof frame.deadline !== 'number') {
      throw new ProtocolError('malformed request frame')
    }
    return { id: frame.id, op: frame.op, data: frame.data, deadline: frame.deadline, format: 'msgpack' }
  }
  if (frame.ok instanceof Uint8Array) return { id: frame.id, ok: frame.ok }
  const error = checkedError(frame.error)
  if (error !== undefined) return { id: frame.id, error }
  throw new ProtocolError('frame is neither a request nor a response')
}

function checkedError (value: unknown): WireError | undefined {
  const error = value as Record<string, unknown> | undefined
  if (typeof error !== 'object' || error === null || typeof error.code !== 'string' || typeof error.message !== 'string') return undefined
  const details = error.details
  return details !== null && typeof details === 'object' ? { code: error.code, message: error.message, details: details as Record<string, unknown> } : { code: error.code, message: error.message }
}

/** The op names one decoder has met, so that a frame's op is compared as bytes rather than decoded again. */
class OpNames {
  private readonly known: Array<{ bytes: Uint8Array, name: string }> = []

  decode (body: Uint8Array, start: number, end: number): string {
    const length = end - start
    for (const { bytes, name } of this.known) {
      if (bytes.length !== length) continue
      let i = 0
      while (i < length && bytes[i] === body[start + i]) i++
      if (i === length) return name
    }
    let name: string
    try {
      name = textDecoder.decode(body.subarray(start, end))
    } catch {
      throw new ProtocolError('op name is not UTF-8')
    }
    if (this.known.length < 16) this.known.push({ bytes: body.slice(start, end), name })
    return name
  }
}

function isId (id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
}
