import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { contextOf, entryExpiry, merge, sameWrites, visibleValues, type KeyState, type Sibling } from '../../src/replication/version.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const write = (actor: number, ts: number, value: string | null, context: Sibling['context'] = [], expiresAt = 0): Sibling =>
  ({ actor, ts, context, value: value === null ? null : bytes(value), expiresAt })
const dots = (state: KeyState): string[] => state.map((s) => `${s.actor}:${s.ts}`)

test('a write whose context covers another makes it obsolete, whatever the order of merging', () => {
  const first = write(1, 10, 'a')
  const second = write(2, 20, 'b', contextOf([first]))
  for (const states of [[[first], [second]], [[second], [first]], [[first, second]]]) {
    assert.equal(dots(merge(states, 'siblings', 8).state), ['2:20'])
  }
})

test('concurrent writes stay siblings under siblings, newest first, and lww keeps the later time on every replica', () => {
  const a = write(1, 10, 'a')
  const b = write(2, 20, 'b')
  assert.equal(dots(merge([[a], [b]], 'siblings', 8).state), ['2:20', '1:10'])
  const lww = merge([[a], [b]], 'lww', 8)
  assert.equal(dots(lww.state), ['2:20'])
  assert.is(lww.discarded, 1)
  assert.equal(dots(merge([[b], [a]], 'lww', 8).state), ['2:20'])
})

test('lww breaks a tie of times by actor, so replicas agree', () => {
  assert.equal(dots(merge([[write(1, 10, 'a')], [write(2, 10, 'b')]], 'lww', 8).state), ['2:10'])
  assert.equal(dots(merge([[write(2, 10, 'b')], [write(1, 10, 'a')]], 'lww', 8).state), ['2:10'])
})

test('the lww winner carries the cut sibling in its context, so a replica still holding that one drops it', () => {
  const a = write(1, 10, 'a')
  const b = write(2, 20, 'b')
  const [winner] = merge([[a], [b]], 'lww', 8).state
  assert.equal(dots(merge([[a], [winner as Sibling]], 'siblings', 8).state), ['2:20'])
})

test('merging is idempotent, and the same write from two replicas is one sibling', () => {
  const a = write(1, 10, 'a')
  assert.equal(dots(merge([[a], [a], [a]], 'siblings', 8).state), ['1:10'])
})

test('siblings over the cap keep the newest and count the rest', () => {
  const many = [1, 2, 3, 4].map((i) => [write(i, i * 10, `v${i}`)])
  const { state, discarded } = merge(many, 'siblings', 2)
  assert.equal(dots(state), ['4:40', '3:30'])
  assert.is(discarded, 2)
})

test('a tombstone with a covering context hides the value; a late copy of the old value does not bring it back', () => {
  const value = write(1, 10, 'a')
  const tombstone = write(2, 20, null, contextOf([value]))
  const merged = merge([[tombstone], [value]], 'lww', 8).state
  assert.equal(dots(merged), ['2:20'])
  assert.equal(visibleValues(merged, 0), [])
})

test('expired siblings are not visible, and the entry lives as long as its longest-lived sibling', () => {
  const state = [write(1, 10, 'a', [], 500), write(2, 20, 'b', [], 900)]
  assert.equal(visibleValues(state, 600).map((s) => s.ts), [20])
  assert.is(entryExpiry(state, 5000), 900)
  assert.is(entryExpiry([write(1, 10, 'a', [], 0), write(2, 20, 'b', [], 900)], 5000), 0)
  assert.is(entryExpiry([write(1, 10, null)], 5000), 5000)
})

test('sameWrites compares dots, not contexts', () => {
  assert.ok(sameWrites([write(1, 10, 'a')], [write(1, 10, 'a', [[3, 5]])]))
  assert.not.ok(sameWrites([write(1, 10, 'a')], [write(1, 11, 'a')]))
  assert.not.ok(sameWrites([write(1, 10, 'a')], undefined))
  assert.ok(sameWrites(undefined, undefined))
})

test.run()
