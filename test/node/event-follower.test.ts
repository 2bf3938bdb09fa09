// The events monitor (ManualClock, MemoryNetwork): when the member it follows dies it goes on from another member,
// says so, shows what happened after, and shows nothing twice; with no member left it fails with a typed error.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { EventFollower } from '../../src/client/event-follower.js'
import { SimNodes } from '../support/sim-nodes.js'
import type { NodeEvent } from '../../src/node/event-log.js'

const IDS = ['n1', 'n2', 'n3', 'n4']

/** What makes an event the same event on two members: a member's transition, or a member-less note's time and text. */
const key = (e: NodeEvent): string => e.member === undefined ? `${e.kind}|${e.time}|${e.message}` : `${e.kind}|${e.member.id}|${e.member.incarnation}|${e.member.state}`

test('a follower whose member dies switches to another, shows the death, and repeats nothing', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    // n2 restarts so that its log is short: a per-member sequence number would hide everything n2 logs later (#5).
    await sim.kill('n2')
    await sim.until(() => sim.running().every((n) => n.membership.stateOf('n2') === 'dead'), 'n2 is dead everywhere')
    await sim.restart('n2', 'n1')
    await sim.until(() => sim.running().every((n) => n.membership.aliveMembers().length === 4), 'n2 is back')

    const client = await sim.client('n1')
    const follower = new EventFollower(client)
    const shown: NodeEvent[] = []
    const first = await sim.run(follower.poll())
    shown.push(...first.events)
    assert.ok(first.events.length > 8, 'the whole log of n1 first')
    assert.is(first.switched, undefined)

    await sim.kill('n1')
    await sim.until(() => sim.running().every((n) => n.membership.stateOf('n1') === 'dead'), 'n1 is dead everywhere')
    const after = await sim.run(follower.poll())
    assert.ok(after.switched !== undefined && after.switched.from.id === 'n1' && after.switched.from.name === 'n1')
    assert.not.equal(follower.following, 'n1')
    shown.push(...after.events)
    assert.ok(after.events.some((e) => e.kind === 'member:dead' && e.member?.id === 'n1'), 'the death of n1, from the new member')
    assert.equal((await sim.run(follower.poll())).events, [], 'nothing older from the new member\'s log on the next poll')

    // Later events keep coming from the new member.
    await sim.kill('n4')
    await sim.until(() => sim.running().every((n) => n.membership.stateOf('n4') === 'dead'), 'n4 is dead everywhere')
    const later = await sim.run(follower.poll())
    assert.is(later.switched, undefined)
    shown.push(...later.events)
    assert.ok(later.events.some((e) => e.kind === 'member:dead' && e.member?.id === 'n4'))

    const keys = shown.map(key)
    assert.is(new Set(keys).size, keys.length, `nothing shown twice: ${keys.join(', ')}`)
    const times = shown.map((e) => e.time)
    assert.equal(times, [...times].sort((a, b) => a - b), 'shown in time order')
  } finally { await sim.stop() }
})

test('a follower with no member left fails with NodeUnavailableError naming them', async () => {
  const sim = await SimNodes.start({ ids: ['n1', 'n2'], config: { requestTimeout: 500 } })
  try {
    const client = await sim.client('n1', { timeout: 500 })
    const follower = new EventFollower(client)
    await sim.run(follower.poll())
    await sim.kill('n1')
    await sim.kill('n2')
    const err = await sim.run(follower.poll()).then(() => undefined, (e: Error) => e)
    assert.is(err?.name, 'NodeUnavailableError')
    assert.match(err?.message ?? '', /no member answered for events/)
  } finally { await sim.stop() }
})

test.run()
