import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { COPY_POOL_BYTES } from '../../src/store/constants.js'
import { CopyPool } from '../../src/store/copy-pool.js'

const source = Uint8Array.from({ length: COPY_POOL_BYTES }, (_, i) => i % 251)

/** A copy of `source[start, start + length)` made the way LocalCache makes one: room, view, then the bytes. */
function copy (pool: CopyPool, start: number, length: number): Uint8Array {
  pool.take(length)
  const view = pool.view(0, length)
  pool.fill(source, start, length)
  return view
}

test('copies are 8-aligned, never overlap, and stay intact as the pool fills up and is replaced', () => {
  const pool = new CopyPool()
  const kept = Array.from({ length: 3 * COPY_POOL_BYTES / 64 }, (_, i) => {
    const start = (i * 37) % 1000
    return { view: copy(pool, start, 61), start }
  })
  assert.ok(new Set(kept.map((k) => k.view.buffer)).size > 1, 'the pool was replaced')
  for (const { view, start } of kept) {
    assert.is(view.byteOffset % 8, 0)
    assert.equal([...view], [...source.subarray(start, start + 61)])
  }
})

test('a view is a plain Uint8Array over part of the room last taken', () => {
  const pool = new CopyPool()
  pool.take(20)
  const tail = pool.view(15, 5)
  pool.fill(source, 10, 20)
  assert.is(tail.constructor, Uint8Array)
  assert.equal([...tail], [...source.subarray(25, 30)])
})

test('a copy larger than half a pool gets a buffer of its own', () => {
  const pool = new CopyPool()
  const small = copy(pool, 0, 8).buffer
  const length = COPY_POOL_BYTES / 2 + 1
  const big = copy(pool, 3, length)
  assert.is(big.buffer.byteLength, length)
  assert.equal([...big], [...source.subarray(3, 3 + length)])
  assert.is(copy(pool, 0, 8).buffer, small, 'small copies go on filling the pool')
})

test.run()
