// `dcache bench` against a 3-node cluster of `dcache node start` processes: its keys, hit rate, clean-up, the value
// limit checked up front, and failed requests giving a non-zero exit code with their reasons.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalCluster } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

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
  assert.match(r.stdout, /test\s+requests\s+errors\s+ops\/s\s+p50 ms\s+p95 ms\s+p99 ms\s+max ms\s+hit/)
  assert.match(r.stdout, /\nSET\s+60\s+0\s.*\s-\n/)
  assert.match(r.stdout, /\nGET\s+60\s+0\s.*\s\d+\.\d%\n/)
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
