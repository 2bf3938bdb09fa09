// The load generator's arithmetic: one result merged from several worker processes' samples, how -n and -c are split
// between them, and the nodes' CPU per 1,000 requests from two statistics; and -P as pipelines on a simulated cluster.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { availableParallelism } from 'node:os'
import { measureLoad, summarizeLoad, type LoadSamples } from '../../src/client/load-generator.js'
import { SimNodes } from '../support/sim-nodes.js'
import { checkWorkerSplit, nodeCpuOver, splitEvenly } from '../../src/client/load-workers.js'
import { nodeStats } from '../tui/fake-source.js'

const TEST = { test: 'get' as const, concurrency: 4, pipeline: 1, valueBytes: 100 }

function samples (latencies: number[], over: Partial<LoadSamples> = {}): LoadSamples {
  return { latencies: Float64Array.from(latencies), errors: 0, reads: latencies.length, hits: 0, failures: [], cpuMs: 0, seconds: 1, ...over }
}

test('merged samples give percentiles over every request of every worker, and summed counts', () => {
  // 1..100 ms dealt between two workers unevenly: the merge must sort them together, not average two summaries
  const all = Array.from({ length: 100 }, (_, i) => i + 1)
  const r = summarizeLoad(TEST, [
    samples(all.filter((x) => x % 4 === 0), { hits: 20, reads: 25, cpuMs: 300 }),
    samples(all.filter((x) => x % 4 !== 0), { hits: 15, reads: 75, cpuMs: 500 })
  ], 2)
  assert.equal([r.requests, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs], [100, 51, 96, 100, 100])
  assert.equal([r.opsPerSec, r.seconds, r.hitRatio, r.workers], [50, 2, 0.35, 2])
  assert.is(r.cpuMsPer1000, 8000, '800 ms of CPU over 100 requests')
  assert.is(r.cpuLoad, Math.round(800 / (2000 * Math.min(2, availableParallelism())) * 1000) / 1000)
})

test('failures are counted by code across workers, the first message kept, most frequent first', () => {
  const r = summarizeLoad(TEST, [
    samples([1, 2], { errors: 2, failures: [{ code: 'TIMEOUT', count: 1, message: 'first' }, { code: 'NETWORK', count: 1, message: 'n' }] }),
    samples([3, 4], { errors: 2, failures: [{ code: 'TIMEOUT', count: 2, message: 'second' }] })
  ], 1)
  assert.is(r.errors, 4)
  assert.equal(r.failures, [{ code: 'TIMEOUT', count: 3, message: 'first' }, { code: 'NETWORK', count: 1, message: 'n' }])
})

test('a generator busy for 90% of what its processes could use is CPU-bound; less is not', () => {
  assert.ok(summarizeLoad(TEST, [samples([1], { cpuMs: 950 })], 1).cpuBound)
  assert.not.ok(summarizeLoad(TEST, [samples([1], { cpuMs: 500 })], 1).cpuBound)
  assert.is(summarizeLoad(TEST, [samples([], { reads: 0 })], 0).opsPerSec, 0, 'no requests, no time: zeros, not NaN')
})

test('-n and -c are split into shares that differ by at most one and add up', () => {
  assert.equal(splitEvenly(41, 2), [21, 20])
  assert.equal(splitEvenly(50, 3), [17, 17, 16])
  assert.equal(splitEvenly(2, 4), [1, 1, 0, 0])
  checkWorkerSplit(2, 2)
  assert.throws(() => { checkWorkerSplit(2, 3) }, (err: Error) => err.name === 'InvalidArgumentError' && /2 clients cannot be split between 3 worker processes/.test(err.message))
})

test('each node\'s CPU over a test is the difference of its two statistics per 1,000 requests; a node missing from one is left out', () => {
  const before = [nodeStats('a', 0, { cpu: { userMs: 1000, systemMs: 200 } }), nodeStats('b', 0, { cpu: { userMs: 50, systemMs: 50 } })]
  const after = [nodeStats('b', 1, { cpu: { userMs: 250, systemMs: 100 } }), nodeStats('a', 1, { cpu: { userMs: 1400, systemMs: 300 } }), nodeStats('c', 1)]
  assert.equal(nodeCpuOver(before, after, 500).map((n) => [n.name, n.cpuMsPer1000]), [['a', 1000], ['b', 500]])
  // a member of an older version reports no CPU: left out, not a crash
  const older = { ...nodeStats('d', 1) }
  delete older.cpu
  assert.equal(nodeCpuOver([...before, older], [...after, older], 500).map((n) => n.name), ['a', 'b'])
})

test('-P sends each client\'s requests as pipelines: every request is done once, reads find what the writes stored', async () => {
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'] })
  try {
    const client = await sim.client()
    const load = { concurrency: 3, pipeline: 8, valueBytes: 10, keyspace: 5, prefix: 'p:', maxSeconds: 60 }
    const written = new Set<string>()
    const set = await sim.run(measureLoad(client, { ...load, test: 'set', requests: 100, written }))
    assert.equal([set.latencies.length, set.errors], [100, 0])
    assert.ok(written.size > 0 && written.size <= 5)
    const get = await sim.run(measureLoad(client, { ...load, test: 'get', requests: 50 }))
    assert.equal([get.latencies.length, get.errors, get.reads, get.hits], [50, 0, 50, 50])
    const batches = ['a', 'b', 'c'].reduce((n, id) => n + (sim.node(id).localStats().requests.get ?? 0), 0)
    assert.is(batches, 50, 'the nodes counted each pipelined get once')
  } finally {
    await sim.stop()
  }
})

test.run()
