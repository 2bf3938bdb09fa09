import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { computeLayout, overlaps, PANELS, TOTALS_MIN_WIDTH } from '../../src/tui/layout.js'

const SIZES: Array<[number, number]> = [[80, 24], [100, 30], [120, 40], [160, 48], [250, 70]]

for (const [cols, rows] of SIZES) {
  test(`at ${cols}x${rows} the panels fill the screen without overlapping`, () => {
    const layout = computeLayout(cols, rows)
    let area = 0
    for (const [i, a] of PANELS.entries()) {
      const r = layout[a]
      assert.ok(r.left >= 0 && r.top >= 0 && r.left + r.width <= cols && r.top + r.height <= rows, `${a} inside the screen`)
      area += r.width * r.height
      for (const b of PANELS.slice(i + 1)) assert.not.ok(overlaps(r, layout[b]), `${a} and ${b} overlap`)
    }
    assert.is(area, cols * rows, 'no cell left unused')
  })
}

test('larger terminals give every panel more room', () => {
  const small = computeLayout(80, 24)
  const large = computeLayout(160, 48)
  for (const p of PANELS.filter((x) => x !== 'header')) {
    assert.ok(large[p].width > small[p].width && large[p].height > small[p].height, p)
  }
})

test('at 80x24 the members table, charts and bottom row each get at least 7 lines', () => {
  const l = computeLayout(80, 24)
  assert.ok(l.members.height >= 7 && l.throughput.height >= 7 && l.events.height >= 7)
})

test('the totals panel is never narrower than its figures need', () => {
  for (const [cols, rows] of SIZES) assert.ok(computeLayout(cols, rows).totals.width >= TOTALS_MIN_WIDTH, `${cols}x${rows}`)
})

test('at 80x24 an event line has room for its time and a state change such as node-3 suspect→alive', () => {
  const { events } = computeLayout(80, 24)
  assert.ok(events.width - 2 >= '00:00:00 node-3 suspect→alive'.length)
})

test.run()
