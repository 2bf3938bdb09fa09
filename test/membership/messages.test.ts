import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeMessage, encodeMessage, MessageType, membersTopic, type SwimMessage } from '../../src/membership/messages.js'
import type { Member, MemberUpdate } from '../../src/membership/member-table.js'

const alice: MemberUpdate = { id: 'a', name: 'alice', addresses: ['/ip4/127.0.0.1/tcp/7700'], incarnation: 3, state: 'suspect', meta: { vnodes: 150 }, from: 'b' }

test('every message type survives encode/decode', () => {
  const { from: _from, ...rest } = alice
  const member: Member = { ...rest, state: 'suspect' }
  const messages: SwimMessage[] = [
    { type: MessageType.Ping, seq: 1, target: 'a', updates: [alice] },
    { type: MessageType.PingReq, seq: 2, target: 'a', timeoutMs: 400, updates: [] },
    { type: MessageType.Ack, seq: 3, updates: [alice] },
    { type: MessageType.Nack, seq: 4, updates: [] },
    { type: MessageType.PushPull, seq: 5, members: [member], updates: [] },
    { type: MessageType.Notify, seq: 6, updates: [alice] },
    { type: MessageType.Gossip, seq: 7, updates: [alice, { ...alice, state: 'forgotten' }] }
  ]
  for (const message of messages) assert.equal(decodeMessage(encodeMessage(message)), message)
})

test('malformed messages are rejected with ProtocolError', () => {
  const bad: unknown[] = [
    { type: 99, seq: 1, updates: [] },
    { type: MessageType.Ping, seq: 1, updates: [] },
    { type: MessageType.Ack, seq: -1, updates: [] },
    { type: MessageType.Ack, seq: 1, updates: [{ ...alice, state: 'zombie' }] },
    { type: MessageType.Ack, seq: 1, updates: [{ ...alice, from: undefined }] },
    { type: MessageType.PushPull, seq: 1, updates: [], members: [{ id: 'a' }] },
    // a table holds members, never a claim that one was forgotten
    { type: MessageType.PushPull, seq: 1, updates: [], members: [{ ...alice, from: undefined, state: 'forgotten' }] },
    'hello'
  ]
  for (const value of bad) {
    assert.throws(() => decodeMessage(encodeMessage(value as SwimMessage)), (err: Error) => err.name === 'ProtocolError', JSON.stringify(value))
  }
  assert.throws(() => decodeMessage(new Uint8Array([0xc1])), (err: Error) => err.name === 'ProtocolError')
})

test('the members topic is scoped by cluster name', () => {
  assert.is(membersTopic('prod'), 'dcache/prod/members')
})

test.run()
