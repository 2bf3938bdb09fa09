// `dcache` commands as child processes against a 3-node cluster of `dcache node start` processes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { DCACHE_BIN, LocalCluster } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

let cluster: LocalCluster
const at = (i: number): string[] => ['--node', cluster.nodes[i]?.address as string]

test.before(async () => {
  cluster = await LocalCluster.start({ nodes: 3, nodeArgs: ['--preset', 'local'] })
  // The last node to join is in every ring once the first node lists three alive members.
  for (let tries = 0; ; tries++) {
    const list = await runCli(['node', 'list', '--json', ...at(0)])
    const members = (JSON.parse(list.stdout) as { members: Array<{ state: string }> }).members
    if (members.filter((m) => m.state === 'alive').length === 3) break
    if (tries === 50) throw new Error(`cluster did not converge: ${list.stdout}`)
  }
})

test.after(async () => {
  await cluster.stop()
})

test('node start writes its addresses to node.addr in its data dir', async () => {
  const node = cluster.nodes[0]
  assert.ok(node !== undefined)
  const file = await readFile(join(node.dataDir, 'node.addr'), 'utf8')
  assert.is(file.trim().split('\n')[0], node.address)
})

test('put through one node and get through every node', async () => {
  assert.is((await runCli(['put', 'greeting', 'hello world', ...at(0)])).code, 0)
  for (let i = 0; i < 3; i++) {
    const r = await runCli(['get', 'greeting', ...at(i)])
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout, 'hello world\n')
  }
})

// Every member coordinates any key the same way, so the whole list runs through one member (each CLI call costs a
// process start) and a write, a read and a delete through each of the others.
test('every data command works, with the documented exit codes, and every member serves a round trip', async () => {
  const i = 0
  const k = 'k0'
  assert.is((await runCli(['put', k, 'v', '--ttl', '100', ...at(i)])).code, 0)
  assert.is((await runCli(['exists', k, ...at(i)])).stdout, 'true\n')
  const ttl = await runCli(['ttl', k, ...at(i)])
  assert.ok(Number(ttl.stdout) > 0 && Number(ttl.stdout) <= 100, ttl.stdout)
  assert.is((await runCli(['touch', k, '--ttl', '0', ...at(i)])).code, 0)
  assert.is((await runCli(['ttl', k, ...at(i)])).stdout, 'none\n')
  assert.is((await runCli(['incr', `${k}:n`, '--by', '7', ...at(i)])).stdout, '7\n')
  assert.is((await runCli(['decr', `${k}:n`, ...at(i)])).stdout, '6\n')
  assert.is((await runCli(['getset', k, 'w', ...at(i)])).stdout, 'v\n')
  const mput = await runCli(['mput', `${k}:a=1`, `${k}:b=2`, ...at(i)])
  assert.is(mput.code, 0, mput.stderr)
  const mget = await runCli(['mget', `${k}:a`, `${k}:b`, `${k}:zz`, '--json', ...at(i)])
  assert.equal(JSON.parse(mget.stdout).results.map((r: { found: boolean }) => r.found), [true, true, false])
  assert.is((await runCli(['del', k, `${k}:a`, `${k}:zz`, ...at(i)])).stdout, '2\n')
  const missing = await runCli(['get', k, ...at(i)])
  assert.is(missing.code, 1)
  assert.match(missing.stderr, new RegExp(`key not found: ${k}`))
  assert.is((await runCli(['exists', k, ...at(i)])).code, 1)
  assert.is((await runCli(['ttl', k, ...at(i)])).code, 1)
  assert.is((await runCli(['touch', k, '--ttl', '5', ...at(i)])).code, 1)
  for (const m of [1, 2]) {
    assert.is((await runCli(['put', `trip${m}`, 'v', ...at(m)])).code, 0)
    assert.is((await runCli(['get', `trip${m}`, ...at((m + 1) % 3)])).stdout, 'v\n')
    assert.is((await runCli(['del', `trip${m}`, ...at(m)])).stdout, '1\n')
  }
})

test('values from stdin are stored byte for byte', async () => {
  const bytes = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7) % 256))
  assert.is((await runCli(['put', 'blob', '-', ...at(1)], { input: bytes })).code, 0)
  const r = await runCli(['get', 'blob', '--json', ...at(2)])
  assert.is(Buffer.from(JSON.parse(r.stdout).value.base64, 'base64').equals(Buffer.from(bytes)), true)
})

test('--json gives machine-readable results and errors', async () => {
  const put = await runCli(['put', 'j', 'one', '--json', ...at(0)])
  assert.equal(JSON.parse(put.stdout), { key: 'j', stored: true })
  const incr = await runCli(['incr', 'j', '--json', ...at(1)])
  assert.is(incr.code, 2, 'a string that is no decimal integer is not an integer: usage error')
  assert.is(JSON.parse(incr.stdout).error.code, 'NOT_INTEGER')
})

test('usage errors exit 2 and an unreachable node exits 3', async () => {
  assert.is((await runCli(['put', 'x', ...at(0)])).code, 2)
  assert.is((await runCli(['put', 'x', 'y', '--ttl', '-1', ...at(0)])).code, 2)
  assert.is((await runCli(['clear', ...at(0)])).code, 2)
  assert.is((await runCli(['put', '', 'y', ...at(0)])).code, 2)
  const dead = await runCli(['get', 'x', '--node', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQqf8ueg4dYgPDMwxFWKRtBTHLFXZbYgEkdCiEXxFEy1Z', '--timeout', '2000'])
  assert.is(dead.code, 3, dead.stderr)
  assert.match(dead.stderr, /cannot reach/)
})

test('a node that cannot listen says where and why, and exits 4 (a local failure)', async () => {
  const taken = (cluster.nodes[0]?.address as string).replace(/\/p2p\/.*$/, '')
  const r = await runCli(['node', 'start', '--listen', taken, '--data-dir', `${cluster.baseDir}/clash`])
  assert.is(r.code, 4)
  assert.match(r.stderr, `cannot listen on ${taken}: address in use`)
})

test('batch runs one command per line over one connection and prints results in order', async () => {
  const input = 'SET b:1 one\nINCR b:n\nINCRBY b:n 4\nGET b:1\n# a comment\n\nGET b:none\nINCR b:1\nMGET b:1 b:n\n'
  const r = await runCli(['batch', ...at(2)], { input })
  assert.is(r.stdout, 'OK\n1\n5\none\n(nil)\n(error) NOT_INTEGER value of b:1 is not an integer\n1) "one"\n2) (integer) 5\n')
  assert.is(r.code, 2, 'a line that is not an integer is bad input')
  const json = await runCli(['batch', '--json', ...at(0)], { input: 'GET b:1\n' })
  assert.equal(JSON.parse(json.stdout), { line: 1, ok: true, result: 'one' })
})

test('batch answers each line as it arrives, while stdin stays open', async () => {
  const child = spawn(process.execPath, [DCACHE_BIN, 'batch', ...at(1)], { stdio: ['pipe', 'pipe', 'pipe'] })
  try {
    const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    child.stdin.write('SET stream:1 first\n')
    assert.is((await replies.next()).value, 'OK')
    child.stdin.write('GET stream:1\n')
    assert.is((await replies.next()).value, 'first', 'the second answer comes before stdin ends')
    child.stdin.end()
    assert.is(await new Promise((resolve) => child.once('exit', resolve)), 0)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})

test('ring shows every member, balance and a key\'s preference list', async () => {
  const r = await runCli(['ring', '--key', 'greeting', '--json', ...at(1)])
  const report = JSON.parse(r.stdout)
  assert.is(report.nodes.length, 3)
  assert.ok(report.balance.maxOverMean < 1.1)
  assert.is(report.key.preferenceList.length, 3)
  const text = await runCli(['ring', ...at(1)])
  assert.match(text.stdout, /balance: max\/mean ownership/)
})

test('stats reports every member and a total', async () => {
  const r = await runCli(['stats', '--json', ...at(0)])
  const stats = JSON.parse(r.stdout)
  assert.is(stats.nodes.length, 3)
  assert.ok(stats.total.keys > 0)
})

test('bench runs a bounded load and prints one JSON object per test', async () => {
  const r = await runCli(['bench', '-n', '2000', '-c', '10', '-t', 'set,get', '--json', ...at(0)])
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
  assert.equal(lines.map((l) => l.test), ['set', 'get'])
  assert.ok(lines.every((l) => l.requests === 2000 && l.errors === 0))
})

test('clear --yes empties the cluster', async () => {
  assert.is((await runCli(['clear', '--yes', ...at(1)])).code, 0)
  const r = await runCli(['stats', '--json', ...at(2)])
  assert.is(JSON.parse(r.stdout).total.keys, 0)
})

test('a node stops cleanly on SIGTERM: it leaves the cluster, then exits 0', async () => {
  const node = cluster.nodes[2]
  assert.ok(node !== undefined)
  const exit = new Promise<[number | null, string | null]>((resolve) => node.process.once('exit', (code, signal) => { resolve([code, signal]) }))
  await cluster.kill(node, 'SIGTERM')
  assert.equal(await exit, [0, null])
  const list = await runCli(['node', 'list', '--json', ...at(0)])
  const members = (JSON.parse(list.stdout) as { members: Array<{ id: string, state: string }> }).members
  assert.is(members.find((m) => node.address.endsWith(m.id))?.state, 'left', 'the others already know it left')
})

test.run()
