import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeValue, encodeValue } from '../../src/common/codec.js'
import { ProtocolError } from '../../src/common/errors.js'
import { REPLICA_PROTOCOL_V1, type KeyState, type ReplicaRequest } from '../../src/replication/index.js'
import { decodeEntryState, decodeReplicaReply, decodeReplicaRequest, encodeEntryMeta, encodeReplicaReply, encodeReplicaRequest } from '../../src/replication/replica-codec.js'
import { SimNodes } from '../support/sim-nodes.js'

/** Bytes as arrays, so that states compare as plain data. */
function plain (value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value]
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]))
  return value
}

const state: KeyState = [
  { actor: 2 ** 47 + 5, ts: 1_760_000_000_000 * 1024 + 7, context: [[1, 10], [2 ** 40, 2 ** 52]], value: encodeValue('newest'), expiresAt: 1_760_000_360_000 },
  { actor: 3, ts: 9, context: [], value: null, expiresAt: 0 }
]

test('replica reads and writes and their answers round-trip in binary: keys of any text, tombstones, contexts, hints, errors', () => {
  const requests: ReplicaRequest[] = [
    { op: 'read', keys: ['a', 'ключ', ''], budget: 1024 * 1024 },
    { op: 'read', keys: [] },
    { op: 'write', kind: 'write', items: [{ key: 'a', state }, { key: 'b', state: [state[1] as KeyState[number]], hintFor: '12D3KooWpeer' }] },
    { op: 'write', kind: 'hint', items: [] }
  ]
  for (const req of requests) assert.equal(plain(decodeReplicaRequest(encodeReplicaRequest(req))), plain(req), req.op)
  const read: ReplicaRequest = { op: 'read', keys: ['a', 'b'] }
  assert.equal(plain(decodeReplicaReply(read, encodeReplicaReply(read, [state, null]))), plain([state, null]))
  const write = requests[2] as ReplicaRequest
  const acks = [{ ok: true as const, existed: true }, { ok: false as const, error: { code: 'OUT_OF_MEMORY', message: 'budget full' } }]
  assert.equal(decodeReplicaReply(write, encodeReplicaReply(write, acks)), acks)
})

test('an entry keeps its versions in its metadata, the first sibling\'s value being the entry\'s own', () => {
  const meta = encodeEntryMeta(state)
  assert.ok(meta.length < encodeReplicaRequest({ op: 'write', kind: 'write', items: [{ key: '', state }] }).length, 'the first value is not repeated')
  assert.equal(plain(decodeEntryState(meta, state[0]?.value ?? null)), plain(state))
  const tombstone: KeyState = [{ actor: 1, ts: 2, context: [], value: null, expiresAt: 0 }]
  assert.equal(plain(decodeEntryState(encodeEntryMeta(tombstone), null)), plain(tombstone))
})

test('a replica message cut short or too long, with an unknown tag, kind or value kind, an empty state or a time that is not finite is a ProtocolError', () => {
  const write = encodeReplicaRequest({ op: 'write', kind: 'write', items: [{ key: 'a', state }] })
  const emptyState = encodeReplicaRequest({ op: 'write', kind: 'write', items: [{ key: 'a', state: [] }] })
  const trailing = Uint8Array.from([...write, 0])
  const plainWrite = encodeReplicaRequest({ op: 'write', kind: 'write', items: [{ key: 'a', state: [{ actor: 1, ts: 2, context: [], value: encodeValue('v'), expiresAt: 0 }] }] })
  // the value's kind byte: after tag, kind, count, key 'a', empty hintFor, sibling count, 3 numbers, no context
  const kindAt = 1 + 1 + 4 + 3 + 2 + 2 + 24 + 2
  assert.is(plainWrite[kindAt], 1)
  const unknownKind = plainWrite.slice()
  unknownKind[kindAt] = 7
  const infinite = encodeReplicaRequest({ op: 'write', kind: 'write', items: [{ key: 'a', state: [{ actor: 1, ts: Infinity, context: [], value: null, expiresAt: 0 }] }] })
  for (const bytes of [write.subarray(0, write.length - 1), Uint8Array.from([9]), Uint8Array.from([2, 7, 0, 0, 0, 0]), emptyState, trailing, unknownKind, infinite]) {
    assert.throws(() => decodeReplicaRequest(bytes), (err: unknown) => err instanceof ProtocolError, JSON.stringify([...bytes.subarray(0, 8)]))
  }
})

test('a member still serves version 1 of the replica protocol (msgpack) to members that send it', async () => {
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'], config: { replicationFactor: 3 } })
  try {
    const client = await sim.client()
    await sim.run(client.put('old', 'peer'))
    const peer = sim.net.createTransport('old-peer')
    const answer = await sim.run(peer.request('a', REPLICA_PROTOCOL_V1, encodeValue({ op: 'read', keys: ['old'] })))
    const [found] = decodeValue(answer) as [KeyState]
    assert.equal(decodeValue(found[0]?.value as Uint8Array), 'peer')
  } finally {
    await sim.stop()
  }
})

test.run()
