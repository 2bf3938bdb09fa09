/**
 * The client protocol's payloads. The hot requests (get, put, delete, incr, exists, mget) travel in a compact binary
 * form, and so do the answers to a binary get, put and exists; everything else, and every request of a peer that sends
 * msgpack, is a msgpack map as before. A request's first byte tells them apart (a msgpack map starts at 0x80 or above,
 * a binary request's opcode is below 0x10); a reply is read by the request it answers (see decodeReply). A node
 * answers a msgpack request in msgpack, so older clients keep working.
 *
 * Binary request: opcode u8, flags u8, then the options the flags name (level u8, minTs f64, ttl f64, hops u8), then
 * the key (u16 length + UTF-8) or, for delete and mget, a u16 count of keys; then what the operation carries: a put's
 * value bytes, an incr's delta as msgpack. A batch: opcode, flags 0, u32 count, then each request as u32 length + its
 * bytes (binary or msgpack, as it encodes). A get reply: tag, ts f64, then the value bytes (none on a miss: the tag
 * says which); a put reply: tag, ts f64, acked u16; an exists reply: tag, ts f64, found u8; a batch reply: tag, u32
 * count, then each answer as ok u8 + u32 length + the answer (a reply as above, or the error as msgpack).
 * APPEND ONLY: opcodes, tags, flags and field order are on the wire.
 */
import { ProtocolError, type WireError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import { ByteReader, ByteWriter, readF64, readU16, writeF64, writeU16 } from '../common/bytes.js'
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../config/defaults.js'
import type { BatchResult, CacheRequest, GetReply, Reply, WriteReply } from './protocol.js'

const OPCODES = { get: 1, put: 2, delete: 3, incr: 4, exists: 5, mget: 6, batch: 7 } as const
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
const BATCH_ANSWER = 0x05
/** Payloads below this first byte are binary; a msgpack map starts at 0x80. */
const BINARY_BELOW = 0x10

/** A request's bytes: binary when its operation and options have a binary form, else msgpack. */
export function encodeRequest (req: CacheRequest): Uint8Array {
  return encodeBinaryRequest(req) ?? encodeValue(req)
}

/** Whether encoded request bytes are the binary form (else msgpack). */
export function isBinaryRequest (data: Uint8Array): boolean {
  return data.length > 0 && (data[0] as number) < BINARY_BELOW
}

/** A request's bytes as they came, not yet validated, and whether it came binary (its answer then goes binary). */
export function decodeRequest (data: Uint8Array): { request: unknown, binary: boolean } {
  if (!isBinaryRequest(data)) return { request: decodeValue(data), binary: false }
  if (data[0] === OPCODES.batch) return { request: decodeBinaryBatch(data), binary: true }
  return { request: decodeBinaryRequest(data), binary: true }
}

/** A reply's bytes for `req`, which came binary (or msgpack, `binary` false). */
export function encodeReply (req: CacheRequest, reply: unknown, binary: boolean): Uint8Array {
  const op = req.op
  if (binary) {
    if (op === 'batch') return encodeBatchReply(req.ops, reply as BatchResult[])
    if (op === 'get') {
      const get = reply as GetReply
      if (get.siblings === undefined && get.context === undefined) return taggedTs(get.value === null ? GET_MISS : GET_HIT, get.ts, get.value ?? EMPTY, 0)
    } else if (op === 'put') {
      const put = reply as WriteReply
      const out = taggedTs(PUT_DONE, put.ts, EMPTY, 2)
      writeU16(out, 9, put.acked)
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

/** Operations whose answer to a binary request is binary (unless it does not fit the form, as siblings do). */
const BINARY_ANSWERS = new Set<CacheRequest['op']>(['get', 'put', 'exists'])

/**
 * The reply to `req`, sent binary or not (`binary`). Only the answers of a binary get, put, exists and batch can be
 * binary, and a binary get, put or exists answer that is msgpack starts with a map: a reply is never guessed from its
 * first byte alone (a msgpack number below 16 is one byte of that value).
 */
export function decodeReply (req: CacheRequest, data: Uint8Array, binary: boolean): unknown {
  if (!binary || data.length === 0) return decodeValue(data)
  const tag = data[0] as number
  if (req.op === 'batch' && tag === BATCH_ANSWER) return decodeBatchReply(req.ops, data)
  if (!BINARY_ANSWERS.has(req.op) || tag >= BINARY_BELOW) return decodeValue(data)
  if (data.length < 9) throw new ProtocolError('binary reply shorter than its time')
  const ts = readF64(data, 1)
  switch (tag) {
    // a view: the client decodes it at once (decodeValue copies what it keeps)
    case GET_HIT: return { value: data.subarray(9), ts } satisfies GetReply
    case GET_MISS: return { value: null, ts } satisfies GetReply
    case PUT_DONE: return { acked: data.length < 11 ? 0 : readU16(data, 9), ts } satisfies WriteReply
    case EXISTS_ANSWER: return { value: data[9] === 1, ts } satisfies Reply<boolean>
    default: throw new ProtocolError(`unknown binary reply tag ${tag}`)
  }
}

const EMPTY = new Uint8Array(0)

/** tag, ts, `extra` bytes for the caller to fill, then `tail`. */
function taggedTs (tag: number, ts: number, tail: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(9 + extra + tail.length)
  out[0] = tag
  writeF64(out, 1, ts)
  out.set(tail, 9 + extra)
  return out
}

/** Reused for every request this process encodes (encoding is synchronous). */
const requestWriter = new ByteWriter(4096)

function encodeBinaryRequest (req: CacheRequest): Uint8Array | undefined {
  if (req.op === 'batch') return framed(OPCODES.batch, req.ops.map(encodeRequest))
  if (!(req.op in OPCODES) || Array.isArray(req.minTs)) return undefined
  if (req.op === 'put' && req.context !== undefined && req.context.length > 0) return undefined
  if (req.hops !== undefined && !(Number.isInteger(req.hops) && req.hops >= 0 && req.hops <= 0xff)) return undefined
  const ttl = 'ttl' in req ? req.ttl : undefined
  const minTs = req.minTs !== undefined && req.minTs !== 0 ? req.minTs : undefined
  let flags = 0
  if (req.consistency !== undefined) flags |= FLAG_LEVEL
  if (minTs !== undefined) flags |= FLAG_MIN_TS
  if (ttl !== undefined) flags |= FLAG_TTL
  if (req.hops !== undefined) flags |= FLAG_HOPS
  if (req.op === 'get' && req.siblings === true) flags |= FLAG_SIBLINGS
  const w = requestWriter.reset().u8(OPCODES[req.op as BinaryOp]).u8(flags)
  if (req.consistency !== undefined) w.u8(CONSISTENCY_LEVELS.indexOf(req.consistency))
  if (minTs !== undefined) w.f64(minTs)
  if (ttl !== undefined) w.f64(ttl)
  if (req.hops !== undefined) w.u8(req.hops)
  try {
    if ('key' in req) w.text(req.key)
    else if ('keys' in req) {
      if (req.keys.length > 0xffff) return undefined
      w.u16(req.keys.length)
      for (const key of req.keys) w.text(key)
    }
  } catch {
    // a key past 65,535 UTF-8 bytes (a node refuses it anyway): msgpack says so just as well
    return undefined
  }
  if (req.op === 'put') w.raw(req.value)
  else if (req.op === 'incr') w.raw(encodeValue(req.delta))
  return w.finish()
}

/** Reused for every batch this process frames (its parts are encoded before it starts). */
const frameWriter = new ByteWriter(4096)

/**
 * A tag, then (for a request) a flags byte of 0, a u32 count and the parts, each u32-length-prefixed; a reply's parts
 * each carry an ok byte before their length.
 */
function framed (tag: number, parts: Uint8Array[], okFlags?: boolean[]): Uint8Array {
  const w = frameWriter.reset().u8(tag)
  if (okFlags === undefined) w.u8(0)
  w.u32(parts.length)
  parts.forEach((part, i) => {
    if (okFlags !== undefined) w.u8(okFlags[i] === true ? 1 : 0)
    w.bytesWithLength(part)
  })
  return w.finish()
}

/** The parts `framed` wrote after `head` bytes, with their ok bytes when `withOk`. */
function unframe (data: Uint8Array, head: number, withOk: boolean): Array<{ ok: boolean, bytes: Uint8Array }> {
  const r = new ByteReader(data, (why) => new ProtocolError(`binary batch ${why}`))
  for (let i = 0; i < head; i++) r.u8()
  const parts: Array<{ ok: boolean, bytes: Uint8Array }> = []
  for (let count = r.u32(); count > 0; count--) {
    const ok = withOk ? r.u8() === 1 : true
    parts.push({ ok, bytes: r.bytesWithLength() })
  }
  return parts
}

function decodeBinaryBatch (data: Uint8Array): { op: 'batch', ops: unknown[] } {
  return { op: 'batch', ops: unframe(data, 2, false).map(({ bytes }) => decodeRequest(bytes).request) }
}

function encodeBatchReply (ops: readonly unknown[], results: BatchResult[]): Uint8Array {
  return framed(BATCH_ANSWER, results.map((result, i) => {
    if (!result.ok) return encodeValue(result.error)
    const op = ops[i] as CacheRequest
    return encodeReply(op, result.value, true)
  }), results.map((result) => result.ok))
}

function decodeBatchReply (ops: readonly CacheRequest[], data: Uint8Array): BatchResult[] {
  const answers = unframe(data, 1, true)
  if (answers.length !== ops.length) throw new ProtocolError(`batch answer with ${answers.length} answers to ${ops.length} requests`)
  return answers.map(({ ok, bytes }, i): BatchResult => ok
    ? { ok: true, value: decodeReply(ops[i] as CacheRequest, bytes, true) }
    : { ok: false, error: wireError(decodeValue(bytes)) })
}

function wireError (value: unknown): WireError {
  const error = value as Partial<WireError> | null
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new ProtocolError('an error answer without a code and a message')
  return { code: error.code, message: error.message }
}

function decodeBinaryRequest (data: Uint8Array): Record<string, unknown> {
  const op = OPS_BY_CODE[data[0] as number]
  if (op === undefined) throw new ProtocolError(`unknown binary opcode ${data[0] as number}`)
  const r = new ByteReader(data, (why) => new ProtocolError(`binary ${op} request ${why}`))
  r.u8()
  const flags = r.u8()
  const req: Record<string, unknown> = { op }
  if ((flags & FLAG_LEVEL) !== 0) {
    const level: ConsistencyLevel | undefined = CONSISTENCY_LEVELS[r.u8()]
    if (level === undefined) throw new ProtocolError(`binary ${op} request with an unknown level`)
    req.consistency = level
  }
  if ((flags & FLAG_MIN_TS) !== 0) req.minTs = r.f64()
  if ((flags & FLAG_TTL) !== 0) req.ttl = r.f64()
  if ((flags & FLAG_HOPS) !== 0) req.hops = r.u8()
  if ((flags & FLAG_SIBLINGS) !== 0) req.siblings = true
  if (op === 'delete' || op === 'mget') req.keys = Array.from({ length: r.u16() }, () => r.text())
  else req.key = r.text()
  // a view, not a copy: the engine copies a value into its slabs, and the bytes are not kept anywhere else
  if (op === 'put') req.value = r.rest()
  else if (op === 'incr') req.delta = decodeValue(r.rest())
  else if (!r.done) throw new ProtocolError(`binary ${op} request with trailing bytes`)
  return req
}
