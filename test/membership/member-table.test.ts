import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decideUpdate, MemberTable, type ClaimState, type Member, type MemberState, type MemberUpdate, type UpdateDecision } from '../../src/membership/member-table.js'

function member (state: MemberState, incarnation: number): Member {
  return { id: 'x', name: 'x', addresses: ['/mem/x'], incarnation, state, meta: {} }
}

function update (state: ClaimState, incarnation: number, from = 'y'): MemberUpdate {
  return { ...member('alive', incarnation), state, from }
}

test('incarnation ordering rules (memberlist aliveNode/suspectNode/deadNode)', () => {
  const cases: Array<[current: [MemberState, number] | undefined, claim: [MemberState, number], expected: UpdateDecision]> = [
    // Unknown members: only alive introduces one.
    [undefined, ['alive', 0], 'apply'],
    [undefined, ['suspect', 0], 'ignore'],
    [undefined, ['dead', 0], 'ignore'],
    [undefined, ['left', 0], 'ignore'],
    // Alive needs a strictly higher incarnation, whatever we hold.
    [['alive', 1], ['alive', 1], 'ignore'],
    [['alive', 1], ['alive', 2], 'apply'],
    [['suspect', 1], ['alive', 1], 'ignore'],
    [['suspect', 1], ['alive', 2], 'apply'],
    [['dead', 1], ['alive', 1], 'ignore'],
    [['dead', 1], ['alive', 2], 'apply'],
    [['left', 3], ['alive', 3], 'ignore'],
    [['left', 3], ['alive', 4], 'apply'],
    // Suspect overrides alive of the same or higher incarnation; a repeated suspicion is a confirmation.
    [['alive', 2], ['suspect', 1], 'ignore'],
    [['alive', 2], ['suspect', 2], 'apply'],
    [['alive', 2], ['suspect', 3], 'apply'],
    [['suspect', 2], ['suspect', 2], 'confirm'],
    [['suspect', 2], ['suspect', 3], 'apply'],
    [['suspect', 2], ['suspect', 1], 'ignore'],
    [['dead', 2], ['suspect', 5], 'ignore'],
    [['left', 2], ['suspect', 5], 'ignore'],
    // Dead overrides alive and suspect of the same or higher incarnation, never dead or left.
    [['alive', 2], ['dead', 1], 'ignore'],
    [['alive', 2], ['dead', 2], 'apply'],
    [['suspect', 2], ['dead', 2], 'apply'],
    [['suspect', 2], ['dead', 3], 'apply'],
    [['dead', 2], ['dead', 3], 'ignore'],
    [['left', 2], ['dead', 3], 'ignore'],
    // Left overrides alive, suspect and dead of the same or higher incarnation.
    [['alive', 2], ['left', 2], 'apply'],
    [['suspect', 2], ['left', 2], 'apply'],
    [['dead', 2], ['left', 2], 'apply'],
    [['alive', 2], ['left', 1], 'ignore'],
    [['left', 2], ['left', 3], 'ignore']
  ]
  for (const [current, [state, incarnation], expected] of cases) {
    const held = current === undefined ? undefined : member(current[0], current[1])
    assert.is(decideUpdate(held, update(state, incarnation)), expected, `${current?.join('@') ?? 'unknown'} <- ${state}@${incarnation}`)
  }
})

test('MemberTable.apply stores what the rules accept and reports the change', () => {
  const table = new MemberTable({ ...member('alive', 0), id: 'self', name: 'self' })
  const joined = table.apply(update('alive', 1))
  assert.is(joined?.previous, undefined)
  assert.is(joined?.current.state, 'alive')
  assert.is(table.apply(update('alive', 1)), undefined)
  const suspected = table.apply(update('suspect', 1))
  assert.is(suspected?.previous?.state, 'alive')
  assert.is(table.stateOf('x'), 'suspect')
  assert.is(table.activeCount(), 2)
  table.apply(update('dead', 1))
  assert.is(table.stateOf('x'), 'dead')
  assert.is(table.activeCount(), 1)
  assert.equal(table.ids(), ['self', 'x'])
})

test('forgotten overrides any state of the same or lower incarnation; a tombstone stops alive claims no newer than it', () => {
  const cases: Array<[current: [MemberState, number] | undefined, claim: [ClaimState, number], expected: UpdateDecision]> = [
    [['dead', 3], ['forgotten', 3], 'apply'],
    [['left', 3], ['forgotten', 4], 'apply'],
    [['alive', 3], ['forgotten', 3], 'apply'],
    [['suspect', 3], ['forgotten', 3], 'apply'],
    // the member came back (refuted) after the forget was made: it stays
    [['alive', 4], ['forgotten', 3], 'ignore'],
    [undefined, ['forgotten', 3], 'ignore']
  ]
  for (const [current, [state, incarnation], expected] of cases) {
    const held = current === undefined ? undefined : member(current[0], current[1])
    assert.is(decideUpdate(held, update(state, incarnation)), expected, `${current?.join('@') ?? 'unknown'} <- ${state}@${incarnation}`)
  }
  const tombstone = { id: 'x', incarnation: 3, at: 0 }
  assert.is(decideUpdate(undefined, update('alive', 3), tombstone), 'ignore')
  assert.is(decideUpdate(undefined, update('alive', 2), tombstone), 'ignore')
  assert.is(decideUpdate(undefined, update('alive', 4), tombstone), 'apply')
})

test('MemberTable.forget removes the record and leaves a tombstone that is dropped by age', () => {
  const table = new MemberTable({ ...member('alive', 0), id: 'self', name: 'self' })
  table.apply(update('alive', 2))
  table.apply(update('dead', 2))
  const change = table.apply(update('forgotten', 2), 5000)
  assert.is(change?.current.state, 'dead', 'the change carries the last record')
  assert.is(table.has('x'), false)
  assert.is(table.size, 1)
  assert.equal(table.tombstoneOf('x'), { id: 'x', incarnation: 2, at: 5000 })
  assert.is(table.apply(update('alive', 2)), undefined, 'an old alive claim cannot bring it back')
  assert.is(table.dropTombstones(5000), 0)
  assert.is(table.dropTombstones(5001), 1)
  assert.is(table.tombstoneCount, 0)
  assert.is(table.apply(update('alive', 2))?.current.state, 'alive', 'without its tombstone it is a new member again')
})

test('a member that comes back with a newer incarnation replaces its tombstone', () => {
  const table = new MemberTable({ ...member('alive', 0), id: 'self', name: 'self' })
  table.apply(update('alive', 1))
  table.apply(update('left', 1))
  table.forget('x', 10)
  assert.is(table.apply(update('alive', 2))?.current.incarnation, 2)
  assert.is(table.tombstoneOf('x'), undefined)
  assert.is(table.activeCount(), 2)
})

test('MemberTable records are frozen copies: neither the caller nor a reader can change the table', () => {
  const local = { ...member('alive', 0), id: 'self' }
  const table = new MemberTable(local)
  local.addresses.push('/mem/later')
  const record = table.get('self') as Member
  assert.throws(() => { record.addresses.push('/mem/evil') })
  assert.throws(() => { record.meta.vnodes = 1 })
  assert.equal(table.get('self')?.addresses, ['/mem/x'])
})

test.run()
