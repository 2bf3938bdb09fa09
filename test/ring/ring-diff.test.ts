import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HashRing } from '../../src/ring/hash-ring.js'
import { movedRanges, type RangeMove } from '../../src/ring/ring-diff.js'

function ringOf (nodeIds: string[]): HashRing {
  const ring = new HashRing({ virtualNodes: 40 })
  for (const id of nodeIds) ring.addNode(id)
  return ring
}

function contains (range: RangeMove, position: number): boolean {
  if (range.start < range.end) return position > range.start && position <= range.end
  return position > range.start || position <= range.end
}

/** Checks the moves against every probe position: inside a move exactly when the lists differ, with those lists. */
function checkAgainstProbes (before: HashRing, after: HashRing, replicas: number, moves: RangeMove[]): void {
  const probes = [0, 1, 2 ** 32 - 1, ...before.tokenList().map((t) => t.position), ...after.tokenList().map((t) => t.position)]
  for (let i = 0; i < 3000; i++) probes.push(Math.floor(((i + 0.37) / 3000) * 2 ** 32))
  for (const p of probes) for (const delta of [-1, 0, 1]) {
    const position = (p + delta + 2 ** 32) % 2 ** 32
    const from = before.preferenceListAt(position, replicas)
    const to = after.preferenceListAt(position, replicas)
    const hits = moves.filter((m) => contains(m, position))
    if (from.join() === to.join()) assert.is(hits.length, 0, `position ${position} is unchanged but in a move`)
    else {
      assert.is(hits.length, 1, `position ${position} changed but is in ${hits.length} moves`)
      assert.equal((hits[0] as RangeMove).from, from)
      assert.equal((hits[0] as RangeMove).to, to)
    }
  }
}

test('identical rings have no moved ranges', () => {
  assert.equal(movedRanges(ringOf(['a', 'b', 'c']), ringOf(['c', 'b', 'a'])), [])
})

test('owner moves match a probe of every position when a node joins', () => {
  const before = ringOf(['a', 'b', 'c'])
  const after = ringOf(['a', 'b', 'c', 'd'])
  const moves = movedRanges(before, after)
  assert.ok(moves.some((m) => m.to[0] === 'd'))
  checkAgainstProbes(before, after, 1, moves)
})

test('preference-list moves match a probe of every position when a node leaves', () => {
  const before = ringOf(['a', 'b', 'c', 'd', 'e'])
  const after = ringOf(['a', 'b', 'd', 'e'])
  const moves = movedRanges(before, after, 3)
  assert.ok(moves.every((m) => m.from.length === 3 && m.to.length === 3 && !m.to.includes('c')))
  checkAgainstProbes(before, after, 3, moves)
})

test('the removed node\'s ranges all go elsewhere, and make up its whole former share', () => {
  const before = ringOf(['a', 'b', 'c', 'd'])
  const after = ringOf(['a', 'b', 'd'])
  const width = (m: RangeMove): number => m.start < m.end ? m.end - m.start : 2 ** 32 - m.start + m.end
  const fromC = movedRanges(before, after).filter((m) => m.from[0] === 'c')
  const moved = fromC.reduce((sum, m) => sum + width(m), 0) / 2 ** 32
  assert.ok(Math.abs(moved - (before.ownership().get('c') as number)) < 1e-9)
})

test('from an empty ring every position moves to the new owner, as one whole-ring range', () => {
  const moves = movedRanges(new HashRing(), ringOf(['solo']))
  assert.is(moves.length, 1)
  const only = moves[0] as RangeMove
  assert.is(only.start, only.end)
  assert.equal(only.from, [])
  assert.equal(only.to, ['solo'])
})

test.run()
