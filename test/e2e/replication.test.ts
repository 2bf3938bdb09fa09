// Replication on real `dcache node start` processes: N=3 copies through kill -9, restarts with hints, pauses.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalCluster, type LocalNode } from '../../src/cli/local-cluster.js'
import { connectClient } from '../../src/client/connect.js'
import { runCli } from '../support/cli.js'
import { HashRing } from '../../src/ring/index.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'
import type { ClusterInfo } from '../../src/node/protocol.js'
import type { NodeStats } from '../../src/node/stats.js'

const NODE_ARGS = ['--preset', 'local', '--replication-factor', '3']
const idOf = (node: LocalNode): string => node.address.split('/p2p/')[1] as string
const BATCH = 500

/** Asks `client`'s contact node until `check` holds (clients have no push channel); bounded by `timeoutMs`. */
async function waitUntil<T> (probe: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined && check(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const states = (info: ClusterInfo): Record<string, string> => Object.fromEntries(info.members.map((m) => [m.name, m.state]))

async function everyoneAlive (client: DistributedCache, count: number): Promise<void> {
  await waitUntil(async () => await client.getClusterInfo(), (info) => info.members.filter((m) => m.state === 'alive').length === count, `${count} alive members`)
}

/** Keys whose value differs from `expected` (or that failed), read in batches at `consistency`. */
async function wrongKeys (client: DistributedCache, expected: Map<string, string>, consistency: 'one' | 'quorum'): Promise<string[]> {
  const keys = [...expected.keys()]
  const wrong: string[] = []
  for (let i = 0; i < keys.length; i += BATCH) {
    const part = keys.slice(i, i + BATCH)
    const results = await client.getMultiple<string>(part, { consistency })
    results.forEach((r, j) => { if (!r.ok || r.value !== expected.get(part[j] as string)) wrong.push(part[j] as string) })
  }
  return wrong
}

/** Writes in batches at quorum, each client one batch at a time (several clients at once), recording what was acknowledged. */
async function writeAll (clients: DistributedCache[], entries: Array<[string, string]>, expected: Map<string, string>): Promise<void> {
  const batches: Array<Array<[string, string]>> = []
  for (let i = 0; i < entries.length; i += BATCH) batches.push(entries.slice(i, i + BATCH))
  await Promise.all(clients.map(async (client, c) => {
    for (let b = c; b < batches.length; b += clients.length) {
      const batch = batches[b] as Array<[string, string]>
      const results = await client.putMultiple(batch, { consistency: 'quorum' })
      results.forEach((r, j) => { if (r.ok) expected.set(r.key, (batch[j] as [string, string])[1]) })
      assert.ok(results.every((r) => r.ok), `every quorum write acknowledged: ${JSON.stringify(results.find((r) => !r.ok))}`)
    }
  }))
}

test('5 members, N=3: 10,000 quorum keys survive kill -9 of one member, its restart drains hints, and a second kill', async () => {
  const cluster = await LocalCluster.start({ nodes: 5, nodeArgs: NODE_ARGS })
  const clients: DistributedCache[] = []
  try {
    const open = async (via: LocalNode[]): Promise<DistributedCache> => {
      const client = await connectClient(via.map((n) => n.address))
      clients.push(client)
      return client
    }
    const viaEach = []
    for (const node of cluster.nodes) viaEach.push(await open([node]))
    await everyoneAlive(viaEach[0] as DistributedCache, 5)
    // every member dials every other (a statistics fan-out), so no write of the first batch waits on a cold dial
    for (const c of viaEach) await waitUntil(async () => await c.getStatistics(), (all) => all.length === 5, 'statistics of all five members')
    const writers = viaEach.slice(0, 3)
    for (const w of writers) await w.getClusterInfo()
    const expected = new Map<string, string>()
    await writeAll(writers, Array.from({ length: 10_000 }, (_, i): [string, string] => [`key:${i}`, `v1-${i}`]), expected)

    // kill -9 one member: every key still readable at quorum, and writes keep succeeding
    const victim = cluster.nodes[3] as LocalNode
    await cluster.kill(victim, 'SIGKILL')
    const reader = writers[0] as DistributedCache
    assert.equal(await wrongKeys(reader, expected, 'quorum'), [], 'every key readable at quorum after kill -9')
    await waitUntil(async () => await reader.getClusterInfo(), (info) => states(info)[victim.name] === 'dead', `${victim.name} dead`)
    for (const w of writers) await w.getClusterInfo()
    const whileDown = Array.from({ length: 2000 }, (_, i): [string, string] => [`key:${i}`, `v2-${i}`])
    await writeAll(writers, whileDown, expected)
    const stats = async (): Promise<NodeStats[]> => await reader.getStatistics()
    const pending = (await stats()).reduce((sum, s) => sum + s.replication.hints.pending, 0)
    assert.ok(pending > 0, 'fallbacks hold hints for the dead member')

    // restart it with the same data dir (same identity): the hints drain, and it answers reads at one with the newest values
    const back = await cluster.startNode(victim.name, { nodeArgs: NODE_ARGS }, victim.dataDir)
    assert.is(idOf(back), idOf(victim))
    await everyoneAlive(reader, 5)
    const drained = await waitUntil(stats, (all) => all.length === 5 && all.every((s) => s.replication.hints.pending === 0), 'hints drained')
    assert.ok(drained.reduce((sum, s) => sum + s.replication.hints.delivered, 0) >= pending)
    const cli = await runCli(['stats', '--json', '--node', back.address])
    assert.is(cli.code, 0, cli.stderr)
    const viaBack = await open([back])
    const written = new Map(whileDown.filter(([k]) => expected.get(k)?.startsWith('v2-')))
    assert.equal(await wrongKeys(viaBack, written, 'one'), [], 'reads at one through the restarted member return the newest values')

    // kill a different member: still every key
    await cluster.kill(cluster.nodes[1] as LocalNode, 'SIGKILL')
    assert.equal(await wrongKeys(reader, expected, 'quorum'), [], 'every key readable after a second kill')
  } finally {
    await Promise.allSettled(clients.map(async (c) => { await c.close() }))
    await cluster.stop()
  }
})

test('a paused owner that comes back after being declared dead serves the new value and keeps a delete', async () => {
  const cluster = await LocalCluster.start({ nodes: 3, nodeArgs: NODE_ARGS })
  const client = await connectClient([cluster.nodes[0]?.address as string])
  try {
    await everyoneAlive(client, 3)
    const at = (node: LocalNode): string[] => ['--node', node.address]
    const owner = cluster.nodes[2] as LocalNode
    const ring = HashRing.fromJSON((await client.getClusterInfo()).ring)
    const ownedKeys = Array.from({ length: 200 }, (_, i) => `paused:${i}`).filter((k) => ring.owner(k) === idOf(owner))
    const [changed, removed] = ownedKeys as [string, string]
    assert.is((await runCli(['put', changed, 'OLD', ...at(owner)])).code, 0)
    assert.is((await runCli(['put', removed, 'DOOMED', ...at(owner)])).code, 0)

    owner.process.kill('SIGSTOP')
    try {
      await waitUntil(async () => await client.getClusterInfo(), (info) => states(info)[owner.name] === 'dead', `${owner.name} declared dead`)
      const put = await runCli(['put', changed, 'NEW', ...at(cluster.nodes[0] as LocalNode)])
      assert.is(put.code, 0, put.stderr)
      const del = await runCli(['del', removed, ...at(cluster.nodes[0] as LocalNode)])
      assert.is(del.stdout, '1\n', del.stderr)
    } finally {
      owner.process.kill('SIGCONT')
    }
    await everyoneAlive(client, 3)
    const got = await runCli(['get', changed, ...at(owner)])
    assert.is(got.stdout, 'NEW\n', got.stderr)
    assert.is((await runCli(['get', removed, ...at(owner)])).code, 1, `${removed} stays deleted`)
    for (const node of cluster.nodes) {
      const viaNode = await connectClient([node.address])
      try {
        for (const consistency of ['one', 'quorum', 'all'] as const) {
          assert.is(await viaNode.get(changed, { consistency }), 'NEW', `${node.name} at ${consistency}`)
          assert.is(await viaNode.get(removed, { consistency }), undefined, `${removed} deleted via ${node.name} at ${consistency}`)
        }
      } finally {
        await viaNode.close()
      }
    }
  } finally {
    await client.close()
    await cluster.stop()
  }
})

test('CLI: --consistency, --session, get --siblings, and a quorum that cannot be reached exits 3', async () => {
  const cluster = await LocalCluster.start({ nodes: 3, nodeArgs: [...NODE_ARGS, '--conflict-resolution', 'siblings'] })
  const client = await connectClient([cluster.nodes[0]?.address as string])
  try {
    await everyoneAlive(client, 3)
    const at = (i: number): string[] => ['--node', cluster.nodes[i]?.address as string]
    // two blind writes are concurrent under siblings: both are kept
    assert.is((await runCli(['put', 'cart', 'apple', ...at(0)])).code, 0)
    assert.is((await runCli(['put', 'cart', 'pear', ...at(1)])).code, 0)
    const siblings = await runCli(['get', 'cart', '--siblings', '--json', ...at(2)])
    assert.is(siblings.code, 0, siblings.stderr)
    assert.equal((JSON.parse(siblings.stdout) as { siblings: string[] }).siblings.sort(), ['apple', 'pear'])

    // a session file carries what the session has seen from one command to the next
    const session = `${cluster.baseDir}/session.json`
    assert.is((await runCli(['put', 'mine', 'v1', '--consistency', 'one', '--session', session, ...at(0)])).code, 0)
    const read = await runCli(['get', 'mine', '--consistency', 'one', '--session', session, ...at(2)])
    assert.is(read.stdout, 'v1\n', read.stderr)
    const saved = JSON.parse(await import('node:fs/promises').then(async (fs) => await fs.readFile(session, 'utf8'))) as Record<string, number>
    assert.ok((saved.mine ?? 0) > 0, 'the session file holds the write time of the key')

    // two of three replicas gone: quorum fails with exit 3 and one line, one still succeeds
    await cluster.kill(cluster.nodes[2] as LocalNode, 'SIGKILL')
    await cluster.kill(cluster.nodes[1] as LocalNode, 'SIGKILL')
    // no need to wait for failure detection: legs to a dead process fail at once
    const refused = await runCli(['put', 'late', 'x', '--consistency', 'quorum', ...at(0)])
    assert.is(refused.code, 3, refused.stderr)
    assert.match(refused.stderr, /write quorum not reached for "late": 1 of 2 required replicas answered/)
    assert.is(refused.stderr.trim().split('\n').length, 1, refused.stderr)
    const json = await runCli(['put', 'late', 'x', '--json', ...at(0)])
    assert.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'CONSISTENCY')
    assert.is((await runCli(['put', 'late', 'x', '--consistency', 'one', ...at(0)])).code, 0)
    assert.is((await runCli(['put', 'late', 'x', '--consistency', 'bogus', ...at(0)])).code, 2)
  } finally {
    await client.close()
    await cluster.stop()
  }
})

test.run()
