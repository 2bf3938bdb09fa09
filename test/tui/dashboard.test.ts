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
    assert.ok(lines.some((l) => l.includes('node-3 is join')), 'join in the event log')
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
    assert.match(after.join('\n'), /Ops\/s\s+get 0\s+set 50\s+err 0/)
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
    assert.ok(lines.some((l) => l.includes('node-3 is suspect')))
    h.source.setState('node-3', 'dead')
    await nextPoll(h)
    lines = await h.lines()
    assert.match(row(lines, 'node-3'), /dead\s+1\s+\S+\s+-\s+-\s+-/)
    const log = lines.map((l) => l.indexOf('node-3 is dead') >= 0 ? 'dead' : l.indexOf('node-3 is suspect') >= 0 ? 'suspect' : '').filter(Boolean)
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
    const text = (await h.lines()).join('\n')
    const inspection = h.session.model.inspectKey('user:1')
    assert.ok(text.includes(`position ${inspection?.position ?? 'none'}`), text)
    assert.match(text, new RegExp(`owner ${inspection?.replicas[0]?.name ?? 'none'}`))
    assert.match(text, /value\s+\{"name":"ada"\}/)
    await h.press('\x1b')
    assert.not.ok((await h.lines()).join('\n').includes('position '), 'popup closed, dashboard still open')
    assert.ok(h.source.values.size === 1)
  } finally { h.stop() }
})

test('? shows the help, and escape closes it without quitting', async () => {
  const h = open(80, 24, cluster('node-1'))
  let quit = false
  void h.session.closed.then(() => { quit = true })
  try {
    await h.session.poll()
    await h.press('?')
    assert.ok((await h.lines()).some((l) => l.includes('inspect a key')))
    await h.press('\x1b')
    assert.not.ok((await h.lines()).some((l) => l.includes('inspect a key')))
    assert.is(quit, false)
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
