// The data commands' values, TTLs, counters, limits and multi-key input, through the real CLI against one real
// cluster (the library sets up and checks state, so each behaviour costs one CLI process start).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, type RealCluster } from '../support/real-cluster.js'
import { runCli, type CliResult } from '../support/cli.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'

let cluster: RealCluster
let client: DistributedCache

test.before(async () => {
  cluster = await startRealCluster(3)
  client = await cluster.client()
})

test.after(async () => {
  await cluster.stop()
})

async function dcache (args: string[], input?: string | Uint8Array): Promise<CliResult> {
  return await runCli([...args, '--node', cluster.nodes[0]?.addresses[0] as string], { input })
}

test('a value put from the CLI that is a decimal integer can be counted: put n 5, then incr n prints 6', async () => {
  assert.is((await dcache(['put', 'n', '5'])).code, 0)
  const incr = await dcache(['incr', 'n'])
  assert.is(incr.stdout, '6\n', incr.stderr)
  assert.is(await client.get('n'), 6, 'the result is stored as a number')
})

test('a counter step past -(2^53-1) names that bound and says what a CLI user can do', async () => {
  await client.put('c3', -Number.MAX_SAFE_INTEGER)
  const r = await dcache(['decr', 'c3', '--by', '2'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /would pass -\(2\^53-1\) \(-9007199254740991\)/)
  assert.match(r.stderr, /put c3 0/)
  assert.is(await client.get('c3'), -Number.MAX_SAFE_INTEGER, 'left as it was')
})

test('--ttl takes a duration, ttl prints whole seconds, pttl milliseconds, --json has {key, found, ttl}', async () => {
  assert.is((await dcache(['put', 'short', 'v', '--ttl', '10m'])).code, 0)
  const left = await client.getTtl('short') as number
  assert.ok(left > 590 && left <= 600, String(left))
  const ttl = (await dcache(['ttl', 'short'])).stdout
  assert.match(ttl, /^\d+\n$/, 'whole seconds (test/cli/values.test.ts checks the rounding)')
  assert.ok(Number(ttl) > 570 && Number(ttl) <= 600, ttl)
  const pttl = JSON.parse((await dcache(['pttl', 'short', '--json'])).stdout) as { key: string, found: boolean, pttl: number }
  assert.equal([pttl.key, pttl.found, Number.isInteger(pttl.pttl)], ['short', true, true])
  assert.ok(pttl.pttl > 590_000 && pttl.pttl <= 600_000, String(pttl.pttl))
  const missing = await dcache(['ttl', 'nothing-here', '--json'])
  assert.equal([missing.code, JSON.parse(missing.stdout)], [1, { key: 'nothing-here', found: false }])
})

test('getset --json shares get\'s fields: {key, found, previous}', async () => {
  await client.put('gs', 'old')
  const replaced = await dcache(['getset', 'gs', 'new', '--ttl', '1h', '--json'])
  assert.equal(JSON.parse(replaced.stdout), { key: 'gs', found: true, previous: 'old' })
  assert.ok((await client.getTtl('gs') as number) > 3500)
  const fresh = await dcache(['getset', 'gs-fresh', 'v', '--json'])
  assert.equal(JSON.parse(fresh.stdout), { key: 'gs-fresh', found: false })
})

test('mget prints numbered lines: a stored "(nil)" is quoted, a miss is (nil), a counter (integer)', async () => {
  await client.putMultiple([['m:shown', '(nil)'], ['m:count', 3]])
  const r = await dcache(['mget', 'm:shown', 'm:missing', 'm:count'])
  assert.is(r.stdout, '1) "(nil)"\n2) (nil)\n3) (integer) 3\n')
  assert.is(r.code, 0)
})

test('del with an invalid key among valid ones deletes nothing and exits 2 naming it', async () => {
  await client.putMultiple([['x1', '1'], ['x2', '2']])
  const r = await dcache(['del', 'x1', '', 'x2'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /invalid key "": a key must be a non-empty string/)
  assert.equal((await client.getMultiple(['x1', 'x2'])).map((k) => k.ok && k.value), ['1', '2'])
})

test('mput with a too-long key stores nothing, exits 2, and names the key by its start and length', async () => {
  const long = 'k'.repeat(1100)
  const r = await dcache(['mput', 'good1=a', `${long}=x`, 'good2=b'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /invalid key "k{40}"… \(1100 bytes\): longer than 1024 UTF-8 bytes/)
  assert.ok(!r.stderr.includes('k'.repeat(41)), 'the key is not echoed whole')
  assert.equal(await client.exists('good1'), false)
  const mget = await dcache(['mget', 'good1', ''])
  assert.is(mget.code, 2, mget.stderr)
})

test('maxValueBytes is the value\'s size: a 1 MiB value fits the default 1 MiB limit; one byte more is refused naming key, size and limit', async () => {
  const mib = new Uint8Array(1024 * 1024).map((_, i) => i % 251)
  const r = await dcache(['put', 'big', '-'], mib)
  assert.is(r.code, 0, r.stderr)
  assert.is((await client.get('big') as Uint8Array).length, mib.length)
  try {
    await client.put('big2', new Uint8Array(mib.length + 1))
    assert.unreachable('one byte over the limit')
  } catch (err) {
    assert.is((err as Error).message, 'value of big2 is 1048577 bytes; the limit (maxValueBytes) is 1048576')
  }
})

test.run()
