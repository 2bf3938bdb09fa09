import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openHeadlessDashboard, type Harness } from '../support/headless-dashboard.js'
import { FakeSource, nodeId } from './fake-source.js'

/** One poll a second later, with the nodes' snapshots a second newer (the refresh timer is not due yet). */
async function nextPoll (h: Harness<FakeSource>): Promise<void> {
  h.source.tick(1000)
  await h.clock.advance(1000)
  await h.session.poll()
}

const open = (cols: number, rows: number, source = new FakeSource()): Harness<FakeSource> => openHeadlessDashboard(cols, rows, source)

function cluster (...names: string[]): FakeSource {
  const source = new FakeSource()
  for (const name of names) source.addMember(name)
  return source
}

const row = (lines: string[], name: string): string => lines.find((l) => l.includes(` ${name}`) && l.includes(nodeId(name).slice(-8))) ?? lines.join('\n')

test('members appear in the table as they join', async () => {
  const h = open(80, 24, cluster('node-1'))
  try {
    await h.session.poll()
    let lines = await h.lines()
    assert.match(row(lines, 'node-1'), /node-1\*\s+xxxnode1\s+alive/)
    assert.not.ok(lines.some((l) => l.includes('node-2')))
    h.source.addMember('node-2')
    h.source.addMember('node-3')
    await nextPoll(h)
    lines = await h.lines()
    assert.match(row(lines, 'node-2'), /alive/)
    assert.match(row(lines, 'node-3'), /alive/)
    assert.match(lines[0] ?? '', /3 alive/)
    assert.ok(lines.some((l) => /\d\d:\d\d:\d\d node-3 joined/.test(l)), 'join in the event log')
  } finally { h.stop() }
})

test('writes show in the ops chart and the members\' ops/s', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    await nextPoll(h)
    const chartRows = (lines: string[]): string => lines.slice(h.session.view.panels.throughput.top + 1, h.session.view.panels.throughput.top + 5).join('\n')
    const before = await h.lines()
    assert.match(before.join('\n'), /set 0/)
    h.source.record('node-2', 'put', 40)
    h.source.record('node-1', 'put', 10)
    await nextPoll(h)
    const after = await h.lines()
    assert.match(after.join('\n'), /Ops\/s\s+━ get 0\s+━ set 50\s+━ err 0/)
    assert.match(row(after, 'node-2'), /\s40\s/)
    assert.is.not(chartRows(after), chartRows(before), 'the line moved')
  } finally { h.stop() }
})

test('a member turning suspect then dead shows in the table and the log, and the dashboard carries on', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2', 'node-3'))
  try {
    await h.session.poll()
    h.source.setState('node-3', 'suspect')
    await nextPoll(h)
    let lines = await h.lines()
    assert.match(row(lines, 'node-3'), /suspect/)
    assert.ok(lines.some((l) => l.includes('node-3 alive→suspect')))
    h.source.setState('node-3', 'dead')
    await nextPoll(h)
    lines = await h.lines()
    assert.match(row(lines, 'node-3'), /dead\s+1\s+\S+\s+\S+\s+-\s+-\s+-/)
    const log = lines.map((l) => l.includes('node-3 suspect→dead') ? 'dead' : l.includes('node-3 alive→suspect') ? 'suspect' : '').filter(Boolean)
    assert.equal(log, ['dead', 'suspect'], 'newest first')
    assert.match(lines[0] ?? '', /2 alive, 1 dead/)
  } finally { h.stop() }
})

test('the contact node going away gives a banner, and the dashboard reads from the next member', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    h.source.failWith = new Error('no seed node reachable')
    await nextPoll(h)
    assert.match((await h.lines())[0] ?? '', /cannot reach the cluster: no seed node reachable; retrying/)
    h.source.failWith = undefined
    h.source.setState('node-1', 'dead')
    h.source.contactNode = nodeId('node-2')
    await nextPoll(h)
    const lines = await h.lines()
    assert.match(lines[0] ?? '', /node-1 stopped answering; now reading from node-2/)
    assert.match(row(lines, 'node-2'), /node-2\*/)
    assert.ok(lines.some((l) => l.includes('cluster reachable')))
    assert.equal(h.source.eventRequests.slice(-1), [0], 'the new contact\'s log is read from its start')
  } finally { h.stop() }
})

test('at 80x24 every panel is on screen and none overlaps another', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2', 'node-3', 'node-4', 'node-5'))
  try {
    await h.session.poll()
    await h.lines()
    const boxes = h.session.screen.children.map((el) => {
      const p = (el as unknown as { lpos: { xi: number, xl: number, yi: number, yl: number } }).lpos
      return { name: (el.options as { label?: string }).label ?? 'header', ...p }
    })
    assert.is(boxes.length, 7)
    for (const [i, a] of boxes.entries()) {
      assert.ok(a.xi >= 0 && a.yi >= 0 && a.xl <= 80 && a.yl <= 24, `${a.name} inside 80x24`)
      for (const b of boxes.slice(i + 1)) {
        const apart = a.xl <= b.xi || b.xl <= a.xi || a.yl <= b.yi || b.yl <= a.yi
        assert.ok(apart, `${a.name} overlaps ${b.name}`)
      }
    }
    const lines = await h.lines()
    for (const label of ['Members', 'Ops/s', 'Latency', 'Ring', 'Totals', 'Events']) assert.ok(lines.some((l) => l.includes(`─ ${label}`)), label)
  } finally { h.stop() }
})

test('a resize lays the panels out again for the new size', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    await h.resize(160, 48)
    const lines = await h.lines()
    assert.is(h.session.view.panels.events.left + h.session.view.panels.events.width, 160)
    assert.match(lines[47] ?? '', /^└─+┘└─+┘└─+┘$/)
    assert.match(row(lines, 'node-2'), /alive/)
  } finally { h.stop() }
})

test('/ opens a prompt; the key shows its position, replicas and value; escape closes it', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2', 'node-3', 'node-4'))
  try {
    h.source.values.set('user:1', { name: 'ada' })
    await h.session.poll()
    await h.press('/')
    assert.ok((await h.lines()).some((l) => l.includes('Key (enter: inspect, esc: cancel)')))
    await h.press('user:1\r')
    const lines = await h.lines()
    const text = lines.join('\n')
    const inspection = h.session.model.inspectKey('user:1')
    assert.ok(inspection !== undefined)
    assert.ok(text.includes(`position ${inspection.position}`), text)
    assert.match(text, /replicas N=3: the key's preference list, owner first/)
    const [owner, second, third] = inspection.preferenceList.map((m) => lines.find((l) => l.includes(`${m.name} ${m.id.slice(-8)} alive`)) ?? '')
    assert.match(owner ?? '', /alive\s+owner/)
    assert.ok(second !== '' && third !== '', 'every replica listed')
    assert.match(text, /value\s+\{"name":"ada"\}/)
    await h.press('\x1b')
    assert.not.ok((await h.lines()).join('\n').includes('position '), 'popup closed, dashboard still open')
    assert.ok(h.source.values.size === 1)
  } finally { h.stop() }
})

test('a replica that is down is named in the inspector with the member standing in for it', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2', 'node-3', 'node-4', 'node-5'))
  try {
    await h.session.poll()
    const owner = h.session.model.inspectKey('user:1')?.preferenceList[0]
    assert.ok(owner !== undefined && owner.id !== h.source.contactNode, 'the key is owned by another member than the contact')
    h.source.setState(owner.name, 'dead')
    await nextPoll(h)
    const standIn = h.session.model.inspectKey('user:1')?.replicas.find((r) => r.standsInFor !== undefined)
    assert.ok(standIn !== undefined)
    await h.press('/')
    await h.press('user:1\r')
    const lines = await h.lines()
    assert.ok(lines.some((l) => new RegExp(`${owner.name} ${owner.id.slice(-8)} dead\\s+owner, down, ${standIn.name} stands in`).test(l)), lines.join('\n'))
    assert.ok(lines.some((l) => new RegExp(`${standIn.name} \\S+ alive\\s+stands in for ${owner.name} \\(holds a hint\\)`).test(l)), lines.join('\n'))
  } finally { h.stop() }
})

test('? shows the help, and escape closes it without quitting', async () => {
  const h = open(80, 24, cluster('node-1'))
  let quit = false
  void h.session.closed.then(() => { quit = true })
  try {
    await h.session.poll()
    await h.press('?')
    const lines = await h.lines()
    assert.ok(lines.some((l) => l.includes('inspect a key')))
    assert.ok(lines.some((l) => l.includes(`Reading from node-1 /ip4/127.0.0.1/tcp/7700/p2p/`)), 'the contact\'s address')
    await h.press('\x1b')
    assert.not.ok((await h.lines()).some((l) => l.includes('inspect a key')))
    assert.is(quit, false)
  } finally { h.stop() }
})

test('the demo opens with the help, which shows how to reach the cluster from another terminal', async () => {
  const hint = ['/tmp/dcache-x/dcache put greeting hello', '/tmp/dcache-x/dcache get greeting']
  const h = openHeadlessDashboard(80, 24, cluster('node-1', 'node-2'), undefined, { connectHint: hint, showHelp: true })
  try {
    await h.session.poll()
    const lines = await h.lines()
    assert.ok(lines.some((l) => l.includes('From another terminal, in any directory:')), lines.join('\n'))
    for (const command of hint) assert.ok(lines.some((l) => l.includes(command)), command)
    await h.press('\x1b')
    assert.not.ok((await h.lines()).some((l) => l.includes(hint[0] as string)))
  } finally { h.stop() }
})

test('the header shows the contact\'s address', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    assert.match((await h.lines())[0] ?? '', /via node-1 127\.0\.0\.1:7700 /)
  } finally { h.stop() }
})

test('at 80x24 an event line keeps the state change whole, cutting a long name in the middle instead', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2', 'cache-eu-west-node-3'))
  try {
    await h.session.poll()
    h.source.setState('cache-eu-west-node-3', 'suspect')
    await nextPoll(h)
    const { events } = h.session.view.panels
    const lines = await h.lines()
    const panel = lines.slice(events.top + 1, events.top + events.height - 1).map((l) => l.slice(events.left + 1, events.left + events.width - 1))
    assert.match(panel[0] ?? '', /^\d\d:\d\d:\d\d ca\S*…\S*-3 alive→suspect\s*$/)
    assert.match(panel[1] ?? '', /^\d\d:\d\d:\d\d cache\S*…\S*node-3 joined\s*$/)
    assert.ok(lines.some((l) => /│ cach\S*…\S*-3\s+estnode3 suspect /.test(l)), 'the members table cuts the name the same way')
  } finally { h.stop() }
})

test('at 80x24 the totals show a 10-character memory figure whole, and every figure', async () => {
  const source = cluster('node-1', 'node-2', 'node-3')
  source.record('node-1', 'get', 0, { memoryUsedBytes: 1023 * 1024, keys: 123_456, hits: 973, misses: 27 })
  const h = open(80, 24, source)
  try {
    await h.session.poll()
    const { totals } = h.session.view.panels
    const panel = (await h.lines()).slice(totals.top + 1, totals.top + totals.height - 1).map((l) => l.slice(totals.left + 1, totals.left + totals.width - 1))
    const text = panel.join('\n')
    assert.match(text, /memory 1023K\/3\.0G/)
    for (const figure of [/keys 123\.5k/, /hit 97\.3%/, /ops\/s 0/, /hints 0/, /evict\/s 0/, /expire\/s 0/, /repair\/s 0/]) assert.match(text, figure)
  } finally { h.stop() }
})

test('the charts carry their units and a legend, and their time labels line up', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    for (let i = 1; i <= 12; i++) {
      h.source.record('node-1', 'get', 100 * i)
      ;(h.source.stats.get('node-1') as { latency: { p50Ms: number, p99Ms: number } }).latency = { p50Ms: 0.4 * i, p99Ms: 900 * i }
      await nextPoll(h)
    }
    const lines = await h.lines()
    const { throughput, latency } = h.session.view.panels
    assert.match(lines[throughput.top] ?? '', /Ops\/s\s+━ get [\d.k]+\s+━ set 0\s+━ err 0/)
    assert.match(lines[latency.top] ?? '', /Latency ms\s+━ ?p50 4\.8 ms\s+━ ?p99 10\.8 s/)
    const times = (left: number, width: number): string[] => lines.slice(throughput.top + 1, throughput.top + throughput.height - 1)
      .map((l) => l.slice(left + 1, left + width - 1)).filter((l) => /\d\d:\d\d/.test(l))
    const ops = times(throughput.left, throughput.width)
    assert.is(ops.length, 1, 'one line of time labels')
    assert.equal(times(latency.left, latency.width), ops, 'the same labels at the same columns')
  } finally { h.stop() }
})

test('s and r change the sort shown in the members label', async () => {
  const h = open(80, 24, cluster('node-1', 'node-2'))
  try {
    await h.session.poll()
    await h.press('s')
    assert.ok((await h.lines()).some((l) => l.includes('sort: state ↑')))
    await h.press('r')
    assert.ok((await h.lines()).some((l) => l.includes('sort: state ↓')))
  } finally { h.stop() }
})

for (const [name, key] of [['q', 'q'], ['Ctrl-C', '\x03'], ['Escape', '\x1b']] as const) {
  test(`${name} quits: the session resolves, the timer is cleared and the terminal restored`, async () => {
    const h = open(80, 24, cluster('node-1'))
    try {
      await h.session.poll()
      assert.is(h.clock.pending, 1, 'next poll scheduled')
      h.input.write(key)
      await h.session.closed
      assert.is(h.clock.pending, 0)
      assert.ok(h.written.join('').includes('\x1b[?1049l'), 'left the alternate screen')
    } finally { h.stop() }
  })
}

test.run()
