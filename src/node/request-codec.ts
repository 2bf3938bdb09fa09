/**
 * The client protocol's payloads. The hot requests (get, put, delete, incr, exists, mget) travel in a compact binary
 * form, and so do the answers to a binary get, put and exists; everything else, and every request of a peer that sends
 * msgpack, is a msgpack map as before. The first byte tells them apart: a msgpack map starts at 0x80 or above, a binary
 * payload with its tag below 0x10. A node answers a msgpack request in msgpack, so older clients keep working.
 *
 * Binary request: opcode u8, flags u8, then the options the flags name (level u8, minTs f64, ttl f64, hops u8), then
 * the key (u16 length + UTF-8) or, for delete and mget, a u16 count of keys; then what the operation carries: a put's
 * value bytes, an incr's delta as msgpack. A get reply: tag, ts f64, then the value bytes (none on a miss: the tag
 * says which); a put reply: tag, ts f64, acked u16; an exists reply: tag, ts f64, found u8.
 * APPEND ONLY: opcodes, tags, flags and field order are on the wire.
 */
import { ProtocolError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../config/defaults.js'
import type { CacheRequest, GetReply, Reply, WriteReply } from './protocol.js'

const OPCODES = { get: 1, put: 2, delete: 3, incr: 4, exists: 5, mget: 6 } as const
type BinaryOp = keyof typeof OPCODES
const OPS_BY_CODE: Array<BinaryOp | undefined> = []
for (const [op, code] of Object.entries(OPCODES)) OPS_BY_CODE[code] = op as BinaryOp

const FLAG_LEVEL = 1
const FLAG_MIN_TS = 2
const FLAG_TTL = 4
const FLAG_HOPS = 8
const FLAG_SIBLINGS = 16

const GET_HIT = 0x01
const GET_MISS = 0x02
const PUT_DONE = 0x03
const EXISTS_ANSWER = 0x04
/** Payloads below this first byte are binary; a msgpack map starts at 0x80. */
const BINARY_BELOW = 0x10

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/** A request's bytes: binary when its operation and options have a binary form, else msgpack. */
export function encodeRequest (req: CacheRequest): Uint8Array {
  return encodeBinaryRequest(req) ?? encodeValue(req)
}

/** A request's bytes as they came, not yet validated, and whether it came binary (its answer then goes binary). */
export function decodeRequest (data: Uint8Array): { request: unknown, binary: boolean } {
  if (data.length === 0 || (data[0] as number) >= BINARY_BELOW) return { request: decodeValue(data), binary: false }
  return { request: decodeBinaryRequest(data), binary: true }
}

/** A reply's bytes for a request that came binary (or msgpack, `binary` false). */
export function encodeReply (op: CacheRequest['op'], reply: unknown, binary: boolean): Uint8Array {
  if (binary) {
    if (op === 'get') {
      const get = reply as GetReply
      if (get.siblings === undefined && get.context === undefined) return taggedTs(get.value === null ? GET_MISS : GET_HIT, get.ts, get.value ?? EMPTY, 0)
    } else if (op === 'put') {
      const put = reply as WriteReply
      const out = taggedTs(PUT_DONE, put.ts, EMPTY, 2)
      out[9] = put.acked >>> 8
      out[10] = put.acked
      return out
    } else if (op === 'exists') {
      const exists = reply as Reply<boolean>
      const out = taggedTs(EXISTS_ANSWER, exists.ts, EMPTY, 1)
      out[9] = exists.value ? 1 : 0
      return out
    }
  }
  // `?? null`: msgpack values cannot be undefined at the top level, and some operations return nothing
  return encodeValue(reply ?? null)
}

/** A reply in either form. */
export function decodeReply (data: Uint8Array): unknown {
  const tag = data[0] as number
  if (data.length === 0 || tag >= BINARY_BELOW) return decodeValue(data)
  if (data.length < 9) throw new ProtocolError('binary reply shorter than its time')
  const ts = new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(1)
  switch (tag) {
    // a view: the client decodes it at once (decodeValue copies what it keeps)
    case GET_HIT: return { value: data.subarray(9), ts } satisfies GetReply
    case GET_MISS: return { value: null, ts } satisfies GetReply
    case PUT_DONE: return { acked: ((data[9] ?? 0) << 8) | (data[10] ?? 0), ts } satisfies WriteReply
    case EXISTS_ANSWER: return { value: data[9] === 1, ts } satisfies Reply<boolean>
    default: throw new ProtocolError(`unknown binary reply tag ${tag}`)
  }
}

const EMPTY = new Uint8Array(0)

/** tag, ts, `extra` bytes for the caller to fill, then `tail`. */
function taggedTs (tag: number, ts: number, tail: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(9 + extra + tail.length)
  out[0] = tag
  new DataView(out.buffer).setFloat64(1, ts)
  out.set(tail, 9 + extra)
  return out
}

function encodeBinaryRequest (req: CacheRequest): Uint8Array | undefined {
  if (!(req.op in OPCODES) || Array.isArray(req.minTs)) return undefined
  if (req.op === 'put' && req.context !== undefined && req.context.length > 0) return undefined
  const keys = 'key' in req ? [req.key] : 'keys' in req ? req.keys : []
  if (keys.length > 0xffff) return undefined
  const value = req.op === 'put' ? req.value : req.op === 'incr' ? encodeValue(req.delta) : EMPTY
  let keyBytes = 0
  for (const key of keys) keyBytes += 2 + key.length * 3
  const out = new Uint8Array(2 + 1 + 8 + 8 + 1 + 2 + keyBytes + value.length)
  const view = new DataView(out.buffer)
  out[0] = OPCODES[req.op as BinaryOp]
  let flags = 0
  let at = 2
  if (req.consistency !== undefined) {
    flags |= FLAG_LEVEL
    out[at++] = CONSISTENCY_LEVELS.indexOf(req.consistency)
  }
  if (req.minTs !== undefined && req.minTs !== 0) {
    flags |= FLAG_MIN_TS
    view.setFloat64(at, req.minTs)
    at += 8
  }
  const ttl = 'ttl' in req ? req.ttl : undefined
  if (ttl !== undefined) {
    flags |= FLAG_TTL
    view.setFloat64(at, ttl)
    at += 8
  }
  if (req.hops !== undefined) {
    flags |= FLAG_HOPS
    out[at++] = req.hops
  }
  if (req.op === 'get' && req.siblings === true) flags |= FLAG_SIBLINGS
  out[1] = flags
  if (req.op === 'delete' || req.op === 'mget') {
    view.setUint16(at, keys.length)
    at += 2
  }
  for (const key of keys) {
    const { written } = textEncoder.encodeInto(key, out.subarray(at + 2))
    if (written > 0xffff) return undefined
    view.setUint16(at, written)
    at += 2 + written
  }
  out.set(value, at)
  return out.subarray(0, at + value.length)
}

function decodeBinaryRequest (data: Uint8Array): Record<string, unknown> {
  const op = OPS_BY_CODE[data[0] as number]
  if (op === undefined) throw new ProtocolError(`unknown binary opcode ${data[0] as number}`)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const need = (at: number, bytes: number): void => {
    if (at + bytes > data.length) throw new ProtocolError(`binary ${op} request cut short`)
  }
  need(0, 2)
  const flags = data[1] as number
  let at = 2
  const req: Record<string, unknown> = { op }
  if ((flags & FLAG_LEVEL) !== 0) {
    need(at, 1)
    const level: ConsistencyLevel | undefined = CONSISTENCY_LEVELS[data[at++] as number]
    if (level === undefined) throw new ProtocolError(`binary ${op} request with an unknown level`)
    req.consistency = level
  }
  if ((flags & FLAG_MIN_TS) !== 0) {
    need(at, 8)
    req.minTs = view.getFloat64(at)
    at += 8
  }
  if ((flags & FLAG_TTL) !== 0) {
    need(at, 8)
    req.ttl = view.getFloat64(at)
    at += 8
  }
  if ((flags & FLAG_HOPS) !== 0) {
    need(at, 1)
    req.hops = data[at++]
  }
  if ((flags & FLAG_SIBLINGS) !== 0) req.siblings = true
  let count = 1
  if (op === 'delete' || op === 'mget') {
    need(at, 2)
    count = view.getUint16(at)
    at += 2
  }
  const keys: string[] = []
  for (let i = 0; i < count; i++) {
    need(at, 2)
    const length = view.getUint16(at)
    need(at + 2, length)
    try {
      keys.push(textDecoder.decode(data.subarray(at + 2, at + 2 + length)))
    } catch {
      throw new ProtocolError(`binary ${op} request with a key that is not UTF-8`)
    }
    at += 2 + length
  }
  if (op === 'delete' || op === 'mget') req.keys = keys
  else req.key = keys[0]
  // a view, not a copy: the engine copies a value into its slabs, and the bytes are not kept anywhere else
  if (op === 'put') req.value = data.subarray(at)
  if (op === 'incr') req.delta = decodeValue(data.subarray(at))
  return req
}
