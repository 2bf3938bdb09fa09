// The dashboard rendered headless against a real 3-node libp2p cluster in this process.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'
import { openHeadlessDashboard } from '../support/headless-dashboard.js'

test('members appear, writes reach the ops chart, and a stopped node turns dead with a log line', async () => {
  const cluster = await startRealCluster(3)
  let stop = (): void => {}
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const client = await cluster.client()
    const h = openHeadlessDashboard(120, 40, client)
    stop = () => { h.stop() }
    const row = (lines: string[], name: string): string => lines.find((l) => l.includes(` ${name}`)) ?? ''

    await h.session.poll()
    let lines = await h.lines()
    for (const name of ['node-1', 'node-2', 'node-3']) assert.match(row(lines, name), /alive/, `${name} listed alive`)
    assert.match(lines[0] ?? '', /3 alive/)

    for (let i = 0; i < 300; i++) await client.put(`dash:${i}`, i)
    await h.session.poll()
    lines = await h.lines()
    assert.match(lines.join('\n'), /Ops\/s\s+━ get [\d.]+\s+━ set [1-9]/, 'the writes show as sets per second')

    const third = cluster.nodes[2]
    assert.ok(third !== undefined)
    const thirdId = third.node.id
    await third.stop()
    const survivors = cluster.nodes.slice(0, 2)
    await waitForMembership(survivors, () => survivors.every((n) => n.node.membership.stateOf(thirdId) === 'dead'), 'node-3 to be dead', 30_000)
    await h.session.poll()
    lines = await h.lines()
    assert.match(row(lines, 'node-3'), /dead/)
    assert.ok(lines.some((l) => /\d\d:\d\d:\d\d node-3 .*(alive|suspect)→dead/.test(l)), 'a log line for the death')
    cluster.nodes.splice(2, 1)
  } finally {
    stop()
    await cluster.stop()
  }
})

test.run()
