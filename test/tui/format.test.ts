import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  chartLabel, firstFitting, formatBytes, formatCount, formatMemberChange, formatMs, formatPercent, hostPort, packFigures, previewValue, truncate, truncateMiddle
} from '../../src/tui/format.js'

test('bytes, counts and ratios are short', () => {
  assert.equal([0, 1536, 5 * 1024 ** 2, 1024 ** 3].map(formatBytes), ['0B', '1.5K', '5.0M', '1.0G'])
  assert.equal([0, 0.5, 42, 12_345, 2_500_000].map(formatCount), ['0', '0.5', '42', '12.3k', '2.5M'])
  assert.equal([undefined, 0.9734].map(formatPercent), ['-', '97.3%'])
})

test('durations show the decimals they were measured with: whole ms without, sub-ms with one', () => {
  assert.equal([undefined, 0, 65, 0.4, 2.5, 12.7, 250, 1234].map(formatMs), ['-', '0 ms', '65 ms', '0.4 ms', '2.5 ms', '13 ms', '250 ms', '1.2 s'])
})

test('value previews quote strings, show bytes in hex, and are cut to the width', () => {
  assert.is(previewValue('hi', 20), '"hi"')
  assert.is(previewValue(undefined, 20), '(miss)')
  assert.is(previewValue(new Uint8Array([1, 255]), 40), '<2 bytes> 01ff')
  assert.is(previewValue({ n: 10n }, 40), '{"n":"10n"}')
  assert.is(previewValue('x'.repeat(50), 10), '"xxxxxxxx…')
})

test('cuts are marked with an ellipsis, at the end or in the middle', () => {
  assert.equal([truncate('abcdef', 6), truncate('abcdef', 4), truncate('abcdef', 0)], ['abcdef', 'abc…', ''])
  assert.equal([truncateMiddle('cache-eu-node-3', 15), truncateMiddle('cache-eu-node-3', 9), truncateMiddle('node-3', 2)], ['cache-eu-node-3', 'cach…de-3', 'n…'])
  assert.is(firstFitting([' Ring  balance 1.00 ', ' Ring 1.00 '], 12), ' Ring 1.00 ')
  assert.is(firstFitting(['long', 'longer'], 3), 'lo…')
})

test('a member change keeps the state change whole and drops id, incarnation, then name characters to fit', () => {
  const change = { name: 'node-3', shortId: 'cHotRCdY', from: 'alive', to: 'suspect', incarnation: 2 }
  assert.is(formatMemberChange(change, 60), 'node-3 cHotRCdY alive→suspect, inc 2')
  assert.is(formatMemberChange(change, 30), 'node-3 cHotRCdY alive→suspect')
  assert.is(formatMemberChange(change, 21), 'node-3 alive→suspect')
  assert.is(formatMemberChange(change, 18), 'no…3 alive→suspect')
  assert.is(formatMemberChange({ ...change, from: undefined, to: 'joined' }, 21), 'node-3 joined')
})

test('figures go one to a line when they fit, else two to a line, never cut', () => {
  const figures: Array<[string, string]> = [['keys', '12'], ['hit', '97.3%'], ['memory', '12.3M/3.0G']]
  assert.equal(packFigures(figures, 24, 3), ['keys   12', 'hit    97.3%', 'memory 12.3M/3.0G'])
  assert.equal(packFigures(figures, 24, 2), ['keys 12        hit 97.3%', 'memory 12.3M/3.0G'])
  assert.equal(packFigures(figures, 16, 5), ['keys 12', 'hit 97.3%'], 'a figure that does not fit whole is left out')
  assert.equal(packFigures(figures, 24, 1), ['keys 12        hit 97.3%'])
})

test('a chart label gives the title with its unit and a legend, spaced out when there is room', () => {
  const items = [{ name: 'p50', value: '4.4 ms', color: 'yellow' }, { name: 'p99', value: '19 ms', color: 'magenta' }]
  const plain = (label: string): string => label.replace(/\{[^}]*\}/g, '')
  assert.is(plain(chartLabel('Latency ms', items, 60)), ' Latency ms  ━ p50 4.4 ms  ━ p99 19 ms ')
  assert.is(plain(chartLabel('Latency ms', items, 37)), ' Latency ms ━ p50 4.4 ms ━ p99 19 ms ')
  assert.is(plain(chartLabel('Latency ms', items, 35)), ' Latency ms ━p50 4.4 ms ━p99 19 ms ')
  assert.is(plain(chartLabel('Latency ms', items, 34)), ' Latency ms ')
  assert.is(plain(chartLabel('Latency ms', items, 10)), ' Latency… ')
  assert.match(chartLabel('Latency ms', items, 60), /\{yellow-fg\}━ p50 4\.4 ms\{\/\}/)
})

test('a multiaddr\'s host and port', () => {
  assert.is(hostPort('/ip4/127.0.0.1/tcp/7700/p2p/12D3KooW'), '127.0.0.1:7700')
  assert.is(hostPort('/ip6/::1/tcp/7700'), '[::1]:7700')
  assert.is(hostPort('/dns4/cache.local/tcp/1'), 'cache.local:1')
  assert.is(hostPort('/memory/x'), undefined)
})

test.run()
