/**
 * The replica protocol's version 2 payloads: binary, as every write and most reads of a cluster with N > 1 cross it
 * (version 1 is the same requests as msgpack maps, still served for peers that send them).
 *
 * A key's state: u16 sibling count, then per sibling actor f64, ts f64, expiresAt f64, u16 context length and its
 * (actor f64, ts f64) pairs, then u8 1 and the value (u32 length + bytes), or u8 0 for a tombstone.
 * Read: u8 1, budget f64 (0 = none), u32 count, keys (u16 length + UTF-8). Its answer: u32 count, then per key u8 0
 * (no copy) or u8 1 and the state.
 * Write: u8 2, u8 kind, u32 count, then per item its key, its hintFor (empty text = none) and its state. Its answer:
 * u32 count, then per item u8 1 and u8 existed, or u8 0 and the error as u32-length msgpack.
 * APPEND ONLY: tags, kinds and field order are on the wire.
 */
import { ByteReader, ByteWriter } from '../common/bytes.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import { ProtocolError, type WireError } from '../common/errors.js'
import type { ReplicaWriteAck, ReplicaWriteItem, ReplicaWriteKind } from './coordinator.js'
import type { ReplicaRequest } from './replica-service.js'
import type { KeyState, VersionVector } from './version.js'

const READ = 1
const WRITE = 2
const KINDS: readonly ReplicaWriteKind[] = ['write', 'repair', 'hint']

const fail = (why: string): ProtocolError => new ProtocolError(`malformed replica message: ${why}`)

/** Reused for every message and entry (encoding is synchronous, and no encoding happens inside another). */
const writer = new ByteWriter(64 * 1024)

export function encodeReplicaRequest (req: ReplicaRequest): Uint8Array {
  const w = writer.reset()
  if (req.op === 'read') {
    w.u8(READ).f64(req.budget ?? 0).u32(req.keys.length)
    for (const key of req.keys) w.text(key)
    return w.finish()
  }
  w.u8(WRITE).u8(KINDS.indexOf(req.kind)).u32(req.items.length)
  for (const item of req.items) {
    w.text(item.key).text(item.hintFor ?? '')
    writeState(w, item.state)
  }
  return w.finish()
}

export function decodeReplicaRequest (data: Uint8Array): ReplicaRequest {
  const r = new ByteReader(data, fail)
  const request = readRequest(r)
  if (!r.done) throw fail('trailing bytes')
  return request
}

function readRequest (r: ByteReader): ReplicaRequest {
  const tag = r.u8()
  if (tag === READ) {
    const budget = r.f64()
    const keys = Array.from({ length: r.u32() }, () => r.text())
    return budget > 0 ? { op: 'read', keys, budget } : { op: 'read', keys }
  }
  if (tag !== WRITE) throw fail(`unknown tag ${tag}`)
  const kind = KINDS[r.u8()]
  if (kind === undefined) throw fail('unknown write kind')
  const items = Array.from({ length: r.u32() }, (): ReplicaWriteItem => {
    const key = r.text()
    const hintFor = r.text()
    const state = readState(r)
    return hintFor === '' ? { key, state } : { key, state, hintFor }
  })
  return { op: 'write', kind, items }
}

/** The answer to `req`: its states (read) or acknowledgements (write). */
export function encodeReplicaReply (req: ReplicaRequest, reply: Array<KeyState | null> | ReplicaWriteAck[]): Uint8Array {
  const w = writer.reset()
  w.u32(reply.length)
  if (req.op === 'read') {
    for (const state of reply as Array<KeyState | null>) {
      if (state === null) w.u8(0)
      else writeState(w.u8(1), state)
    }
    return w.finish()
  }
  for (const ack of reply as ReplicaWriteAck[]) {
    if (ack.ok) w.u8(1).u8(ack.existed ? 1 : 0)
    else w.u8(0).bytesWithLength(encodeValue(ack.error))
  }
  return w.finish()
}

export function decodeReplicaReply (req: ReplicaRequest, data: Uint8Array): Array<KeyState | null> | ReplicaWriteAck[] {
  const r = new ByteReader(data, fail)
  const reply = readReply(req, r)
  if (!r.done) throw fail('trailing bytes')
  return reply
}

function readReply (req: ReplicaRequest, r: ByteReader): Array<KeyState | null> | ReplicaWriteAck[] {
  const count = r.u32()
  if (req.op === 'read') return Array.from({ length: count }, () => r.u8() === 1 ? readState(r) : null)
  return Array.from({ length: count }, (): ReplicaWriteAck => {
    if (r.u8() === 1) return { ok: true, existed: r.u8() === 1 }
    const error = decodeValue(r.bytesWithLength()) as Partial<WireError> | null
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw fail('an error without a code and a message')
    return { ok: false, error: { code: error.code, message: error.message } }
  })
}

/**
 * The versions a replica keeps with an entry (its metadata in the engine): the state in the form above, except that
 * the first sibling's value is the entry's own (u8 2), not repeated. Local to a member, never sent.
 */
export function encodeEntryMeta (state: KeyState): Uint8Array {
  const w = writer.reset()
  writeState(w, state, true)
  return w.finish()
}

/** The state an entry's metadata and value hold. */
export function decodeEntryState (meta: Uint8Array, entryValue: Uint8Array | null): KeyState {
  const r = new ByteReader(meta, fail)
  const state = readState(r, entryValue)
  if (!r.done) throw fail('trailing bytes')
  return state
}

const TOMBSTONE = 0
const VALUE = 1
const ENTRY_VALUE = 2

function writeState (w: ByteWriter, state: KeyState, firstInEntry = false): void {
  w.u16(state.length)
  state.forEach((s, i) => {
    w.f64(s.actor).f64(s.ts).f64(s.expiresAt).u16(s.context.length)
    for (const [actor, ts] of s.context) w.f64(actor).f64(ts)
    if (i === 0 && firstInEntry) w.u8(ENTRY_VALUE)
    else if (s.value === null) w.u8(TOMBSTONE)
    else w.u8(VALUE).bytesWithLength(s.value)
  })
}

function readState (r: ByteReader, entryValue?: Uint8Array | null): KeyState {
  const count = r.u16()
  if (count === 0) throw fail('a state without siblings')
  const state: KeyState = []
  for (let i = 0; i < count; i++) {
    const actor = r.f64()
    const ts = r.f64()
    const expiresAt = r.f64()
    const context: VersionVector = []
    for (let n = r.u16(); n > 0; n--) context.push([r.f64(), r.f64()])
    if (![actor, ts, expiresAt].every(Number.isFinite)) throw fail('a version that is not a finite number')
    const kind = r.u8()
    let value: Uint8Array | null
    // a copy: the state may be kept (a replica's other siblings, a read's answer) beyond the message it came in
    if (kind === VALUE) value = r.bytesWithLength().slice()
    else if (kind === TOMBSTONE) value = null
    else if (kind === ENTRY_VALUE && entryValue !== undefined) value = entryValue
    // never a delete by default: a kind this version does not know must not erase a value
    else throw fail(`unknown value kind ${kind}`)
    state.push({ actor, ts, context, value, expiresAt })
  }
  return state
}
