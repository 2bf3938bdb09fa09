/**
 * RPC frames on the wire: a 4-byte big-endian body length, then a msgpack map. A request is
 * `{id, op, data, deadline}`, a response `{id, ok}` or `{id, error: {code, message}}`.
 * APPEND ONLY: field names are on the wire.
 */
import { ProtocolError, ValueTooLargeError, type WireError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES } from './constants.js'

export interface RequestFrame {
  /** Chosen by the caller, unique among its requests in flight on one stream. */
  id: number
  /** The Transport protocol the request is for (its handler on the remote side). */
  op: string
  data: Uint8Array
  /** Milliseconds the caller will still wait, counted from when the frame is sent (peers' clocks may differ). */
  deadline: number
}

export type ResponseFrame = { id: number, ok: Uint8Array } | { id: number, error: WireError }

export type Frame = RequestFrame | ResponseFrame

export function isRequestFrame (frame: Frame): frame is RequestFrame {
  return 'op' in frame
}

/** The msgpack body of one frame; throws ValueTooLargeError above `maxFrameBytes` (nothing is sent then). */
export function encodeFrameBody (frame: Frame, maxFrameBytes = MAX_FRAME_BYTES): Uint8Array {
  // The project's one msgpack configuration (common/codec.ts): plain maps, and decoded bytes are copies, so a
  // `data` kept by the engine never pins the socket chunk it arrived in.
  const body = encodeValue(frame)
  if (body.length > maxFrameBytes) throw new ValueTooLargeError(`frame of ${body.length} bytes exceeds the ${maxFrameBytes}-byte limit`)
  return body
}

/** Length-prefixes frame bodies into one buffer, so a batch goes out in one write. */
export function joinFrameBodies (bodies: Uint8Array[]): Uint8Array {
  let total = 0
  for (const body of bodies) total += FRAME_HEADER_BYTES + body.length
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  let offset = 0
  for (const body of bodies) {
    view.setUint32(offset, body.length)
    out.set(body, offset + FRAME_HEADER_BYTES)
    offset += FRAME_HEADER_BYTES + body.length
  }
  return out
}

/** One complete frame on the wire (prefix + body). */
export function encodeFrame (frame: Frame, maxFrameBytes = MAX_FRAME_BYTES): Uint8Array {
  return joinFrameBodies([encodeFrameBody(frame, maxFrameBytes)])
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
          length = new DataView(chunk.buffer, chunk.byteOffset + offset, FRAME_HEADER_BYTES).getUint32(0)
          offset += FRAME_HEADER_BYTES
        } else {
          const n = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset)
          this.header.set(chunk.subarray(offset, offset + n), this.headerFilled)
          this.headerFilled += n
          offset += n
          if (this.headerFilled < FRAME_HEADER_BYTES) break
          length = new DataView(this.header.buffer).getUint32(0)
          this.headerFilled = 0
        }
        this.checkLength(length)
        if (chunk.length - offset >= length) {
          frames.push(decodeFrameBody(chunk.subarray(offset, offset + length)))
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
        frames.push(decodeFrameBody(this.body))
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

/** Decodes and validates one frame body; anything that is not exactly a request or a response is a ProtocolError. */
export function decodeFrameBody (body: Uint8Array): Frame {
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
    return { id: frame.id, op: frame.op, data: frame.data, deadline: frame.deadline }
  }
  if (frame.ok instanceof Uint8Array) return { id: frame.id, ok: frame.ok }
  const error = frame.error as Record<string, unknown> | undefined
  if (typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string') {
    return { id: frame.id, error: { code: error.code, message: error.message } }
  }
  throw new ProtocolError('frame is neither a request nor a response')
}

function isId (id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
}
