import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decideUpdate, MemberTable, type Member, type MemberState, type MemberUpdate, type UpdateDecision } from '../../src/membership/member-table.js'

function member (state: MemberState, incarnation: number): Member {
  return { id: 'x', name: 'x', addresses: ['/mem/x'], incarnation, state, meta: {} }
}

function update (state: MemberState, incarnation: number, from = 'y'): MemberUpdate {
  return { ...member(state, incarnation), from }
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
