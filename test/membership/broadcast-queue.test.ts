import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BroadcastQueue } from '../../src/membership/broadcast-queue.js'
import type { MemberUpdate } from '../../src/membership/member-table.js'

function update (id: string, incarnation = 0): MemberUpdate {
  return { id, name: id, addresses: [], incarnation, state: 'alive', meta: {}, from: id }
}

test('least-sent updates go first and each is dropped after the retransmit limit', () => {
  const queue = new BroadcastQueue()
  queue.enqueue(update('a'), { publish: false })
  queue.enqueue(update('b'), { publish: false })
  queue.enqueue(update('c'), { publish: false })
  assert.equal(queue.takePiggyback(2, 2).map((u) => u.id), ['a', 'b'])
  assert.equal(queue.takePiggyback(2, 2).map((u) => u.id), ['c', 'a'])
  assert.equal(queue.takePiggyback(5, 2).map((u) => u.id), ['b', 'c'])
  assert.is(queue.size, 0)
  assert.equal(queue.takePiggyback(5, 2), [])
})

test('a newer update about a member replaces the queued one and starts its count again', () => {
  const queue = new BroadcastQueue()
  queue.enqueue(update('a', 1), { publish: false })
  queue.takePiggyback(1, 3)
  queue.enqueue(update('a', 2), { publish: false })
  assert.is(queue.size, 1)
  const [sent] = queue.takePiggyback(1, 3)
  assert.is(sent?.incarnation, 2)
})

test('updates originated here are published once; a newer one from elsewhere cancels the pending publish', () => {
  const queue = new BroadcastQueue()
  queue.enqueue(update('a'), { publish: true })
  queue.enqueue(update('b'), { publish: true })
  queue.enqueue(update('b', 1), { publish: false })
  assert.equal(queue.takeUnpublished().map((u) => u.id), ['a'])
  assert.equal(queue.takeUnpublished(), [])
  assert.is(queue.size, 2)
})

test.run()
