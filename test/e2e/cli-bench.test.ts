// `dcache bench` against a 3-node cluster of `dcache node start` processes: its keys, hit rate, clean-up, the value
// limit checked up front, load from worker processes merged into one report with CPU figures, the nodes' CPU in
// `dcache stats`, and failed requests giving a non-zero exit code with their reasons.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalCluster } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'
import type { LoadTestResult } from '../../src/client/load-generator.js'

let cluster: LocalCluster | undefined
/** The cluster test.before started (uvu runs no test when it failed). */
const started = (): LocalCluster => cluster as LocalCluster
const at = (): string[] => ['--node', started().nodes[0]?.address as string]

test.before(async () => {
  cluster = await LocalCluster.start({ nodes: 3, nodeArgs: ['--preset', 'local'] })
  for (let tries = 0; ; tries++) {
    const list = await runCli(['node', 'list', '--json', ...at()])
    const members = (JSON.parse(list.stdout) as { members: Array<{ state: string }> }).members
    if (members.filter((m) => m.state === 'alive').length === 3) break
    if (tries === 50) throw new Error(`cluster did not converge: ${list.stdout}`)
  }
})

test.after(async () => {
  await cluster?.stop()
})

test('--help warns that bench writes into the live cluster and says how to clean up', async () => {
  const r = await runCli(['bench', '--help'])
  assert.match(r.stdout, /Bench writes into the live cluster/)
  assert.match(r.stdout, /--cleanup to delete them/)
  assert.is((await runCli(['bench', '-t', 'set,nope', ...at()])).code, 2, 'an unknown test is bad input')
})

test('every test succeeds with its own keys: incr counts in counter: keys, never in the strings set wrote', async () => {
  const r = await runCli(['bench', '-n', '40', '-c', '4', '-r', '1', '-t', 'set,get,mixed,incr', '--prefix', 'b1:', '--json', ...at()], { timeoutMs: 120_000 })
  assert.is(r.code, 0, r.stderr)
  const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { test: string, requests: number, errors: number, hitRatio?: number, failures: unknown[] })
  assert.equal(results.map((x) => [x.test, x.requests, x.errors, x.failures]), [['set', 40, 0, []], ['get', 40, 0, []], ['mixed', 40, 0, []], ['incr', 40, 0, []]])
  assert.equal(results.map((x) => x.hitRatio), [undefined, 1, 1, undefined], 'one key, written first: every read hits')
  assert.is((await runCli(['get', 'b1:counter:000000000000', ...at()])).stdout, '40\n')
  assert.is((await runCli(['get', 'b1:key:000000000000', ...at()])).stdout, `${'x'.repeat(100)}\n`)
})

test('the report shows the GET hit rate, and --cleanup deletes what bench wrote', async () => {
  const r = await runCli(['bench', '-n', '60', '-c', '4', '-r', '20', '-t', 'set,get', '--prefix', 'b2:', '--cleanup', ...at()], { timeoutMs: 120_000 })
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /test\s+requests\s+errors\s+ops\/s\s+p50 ms\s+p95 ms\s+p99 ms\s+max ms\s+hit\s+client cpu\/1k\s+nodes cpu\/1k/)
  assert.match(r.stdout, /\nSET\s+60\s+0\s.*\s-\s+\d+\.\d\s+\d+\.\d\n/)
  assert.match(r.stdout, /\nGET\s+60\s+0\s.*\s\d+\.\d%\s+\d+\.\d\s+\d+\.\d\n/)
  assert.match(r.stdout, /\nnode cpu\/1k\s+SET\s+GET\n.*\n(node-\d\s+\d+\.\d\s+\d+\.\d\n){3}/, 'a row per node')
  const cleaned = /cleanup: deleted (\d+) of the (\d+) keys bench wrote/.exec(r.stdout)
  assert.ok(cleaned !== null && Number(cleaned[2]) > 0 && cleaned[1] === cleaned[2], r.stdout)
  assert.is((await runCli(['get', 'b2:key:000000000000', ...at()])).code, 1, 'the key bench wrote first is gone')
})

test('-d over the cluster\'s value limit is refused before any load, with exit code 2', async () => {
  const r = await runCli(['bench', '-n', '100', '-d', '2000000', '-t', 'set', '--prefix', 'b3:', ...at()])
  assert.is(r.code, 2)
  assert.match(r.stderr, /-d 2000000 is over the cluster's value limit: .*1048576/)
  assert.not.match(r.stdout, /SET/, 'no report: nothing ran')
})

test('--workers 2: one merged report per test whose requests add up, with the CPU of the generator and of each node', async () => {
  const r = await runCli(['bench', '-n', '41', '-c', '5', '--workers', '2', '-r', '1', '-t', 'set,get', '--prefix', 'b5:', '--json', ...at()], { timeoutMs: 120_000 })
  assert.is(r.code, 0, r.stderr)
  const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as LoadTestResult)
  assert.equal(results.map((x) => [x.test, x.requests, x.errors, x.workers, x.concurrency, x.hitRatio]), [['set', 41, 0, 2, 5, undefined], ['get', 41, 0, 2, 5, 1]])
  for (const x of results) {
    assert.ok(x.cpuMsPer1000 > 0 && x.cpuLoad > 0 && typeof x.cpuBound === 'boolean', JSON.stringify(x))
    assert.ok(x.p50Ms <= x.p95Ms && x.p95Ms <= x.p99Ms && x.p99Ms <= x.maxMs && x.opsPerSec > 0, JSON.stringify(x))
    assert.equal(x.nodes?.map((n) => n.name), ['node-1', 'node-2', 'node-3'])
    assert.ok(x.nodes?.every((n) => n.cpuMsPer1000 > 0), JSON.stringify(x.nodes))
  }
  const split = await runCli(['bench', '-c', '2', '--workers', '3', ...at()])
  assert.is(split.code, 2, 'more workers than clients is bad input')
  assert.match(split.stderr, /2 clients cannot be split between 3 worker processes/)
})

test('stats shows the CPU time of each node process', async () => {
  const r = await runCli(['stats', '--json', ...at()])
  assert.is(r.code, 0, r.stderr)
  const { nodes, total } = JSON.parse(r.stdout) as { nodes: Array<{ cpu: { userMs: number, systemMs: number } }>, total: { cpuMs: number } }
  assert.is(nodes.length, 3)
  assert.ok(nodes.every((n) => n.cpu.userMs > 0 && n.cpu.systemMs >= 0), JSON.stringify(nodes.map((n) => n.cpu)))
  assert.is(total.cpuMs, Math.round(nodes.reduce((a, n) => a + n.cpu.userMs + n.cpu.systemMs, 0)))
  assert.match((await runCli(['stats', ...at()])).stdout, /p99 ms\s+cpu s\n.*\n(node-\d .*\s\d+\.\d\n){3}TOTAL .*\s\d+\.\d\n/)
})

test('requests that fail in the cluster give exit code 3 and their reasons, counted', async () => {
  const node = started().nodes[2]
  assert.ok(node !== undefined)
  await started().kill(node, 'SIGKILL')
  // every read at level all needs the member that is gone
  const r = await runCli(['bench', '-n', '20', '-c', '5', '-r', '100', '-t', 'get', '--consistency', 'all', '--timeout', '1000', '--prefix', 'b4:', ...at()], { timeoutMs: 120_000 })
  assert.is(r.code, 3, r.stderr)
  assert.match(r.stdout, /\nGET\s+20\s+20\s/)
  assert.match(r.stderr, /GET: 20 of 20 requests failed\n(\s+\d+ x [A-Z_]+: .+\n)+/)
})

test.run()
