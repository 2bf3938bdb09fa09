// NodeStatsRecorder: what a node's statistics report, on an injected clock and CPU time.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { NodeStatsRecorder, processCpuTime } from '../../src/node/stats.js'
import { ManualClock } from '../support/manual-clock.js'
import { engineStats, replicationStats } from '../tui/fake-source.js'

test('a snapshot reports the CPU time the injected function gives at that moment', async () => {
  const clock = new ManualClock()
  let cpu = { userMs: 120, systemMs: 30 }
  const stats = new NodeStatsRecorder(clock, () => cpu)
  assert.equal(stats.snapshot('id', 'a', engineStats(), replicationStats(), 1).cpu, { userMs: 120, systemMs: 30 })
  cpu = { userMs: 180, systemMs: 45 }
  await clock.advance(1000)
  const later = stats.snapshot('id', 'a', engineStats(), replicationStats(), 1)
  assert.equal([later.cpu, later.uptimeMs], [{ userMs: 180, systemMs: 45 }, 1000])
})

test('processCpuTime is this process\'s CPU time in milliseconds, and it only grows', () => {
  const before = processCpuTime()
  let spin = 0
  for (let i = 0; i < 1e6; i++) spin += i
  const after = processCpuTime()
  assert.ok(spin > 0)
  assert.ok(before.userMs > 0 && after.userMs >= before.userMs && after.systemMs >= before.systemMs, JSON.stringify({ before, after }))
  // process.cpuUsage() counts microseconds; in ms, a test process has used well under an hour
  assert.ok(after.userMs < 3_600_000)
})

test.run()
