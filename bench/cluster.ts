// Cluster benchmark against Redis, in one run: a 3-node cluster of `dcache node start` child processes on 127.0.0.1
// driven by the same load as `dcache bench` (SET then GET, 100-byte values), once per replication factor and level
// (N=1 as the single-copy baseline, then N=3 at one, quorum and all), then redis-server driven by redis-benchmark
// with the same -c/-P/-d/-n/-r. Prints a table, each N=3 row against N=1, then one JSON line with everything.
// Needs a build first (the nodes run dist/): npm run build && node --import tsx bench/cluster.ts [--requests N]
// [--clients C] [--pipelines 1,16] [--data-size D] [--max-seconds S] [--replication 1,3] [--consistency one,quorum,all].
// Without redis-server it says how to install it and skips the Redis half. Every process it starts is stopped by PID,
// on failure too.
import { spawn, type ChildProcess } from 'node:child_process'
import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { LocalCluster } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import { runLoadTest, type FailureReason, type LoadTestResult } from '../src/client/load-generator.js'
import type { DistributedCache } from '../src/client/distributed-cache.js'

const NODES = 3
const TESTS = ['set', 'get'] as const
const KEYSPACE = 100_000
const CONVERGE_TIMEOUT_MS = 20_000
const REDIS_START_TIMEOUT_MS = 10_000
/** Per redis-benchmark run; it has no duration flag of its own. */
const REDIS_RUN_TIMEOUT_MS = 120_000

type TestName = typeof TESTS[number]

type Level = 'one' | 'quorum' | 'all'

interface Options { requests: number, clients: number, pipelines: number[], dataSize: number, maxSeconds: number, replication: number[], levels: Level[] }

interface Row {
  system: 'dcache' | 'redis', test: TestName, pipeline: number, opsPerSec: number, p50Ms: number, p99Ms: number, errors: number
  /** dcache only: replicas per key and the level of every request, and why requests failed. */
  n?: number
  level?: Level
  failures?: FailureReason[]
}

function parseOptions (argv: string[]): Options {
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] as string : fallback
  }
  return {
    requests: Number(flag('requests', '100000')),
    clients: Number(flag('clients', '50')),
    pipelines: flag('pipelines', '1,16').split(',').map(Number),
    dataSize: Number(flag('data-size', '100')),
    maxSeconds: Number(flag('max-seconds', '30')),
    replication: flag('replication', '1,3').split(',').map(Number),
    levels: flag('consistency', 'one,quorum,all').split(',') as Level[]
  }
}

/** Waits until the contact node sees every node alive, so the client's ring has them all. */
async function waitForMembers (cache: DistributedCache, n: number): Promise<void> {
  const giveUpAt = Date.now() + CONVERGE_TIMEOUT_MS
  for (;;) {
    const info = await cache.getClusterInfo()
    if (info.members.filter((m) => m.state === 'alive').length >= n) return
    if (Date.now() > giveUpAt) throw new Error(`cluster did not converge: ${info.members.length} members`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** One cluster with N replicas per key; with N=1 every level is the same, so it runs once (as quorum). */
async function benchDcache (opts: Options, n: number): Promise<Row[]> {
  const cluster = await LocalCluster.start({ nodes: NODES, nodeArgs: ['--preset', 'local', '--replication-factor', String(n)] })
  let cache: DistributedCache | undefined
  try {
    cache = await connectClient(cluster.nodes.map((node) => node.address))
    await waitForMembers(cache, NODES)
    const rows: Row[] = []
    for (const level of n === 1 ? ['quorum' as const] : opts.levels) {
      const client = cache.at(level)
      for (const pipeline of opts.pipelines) {
        for (const test of TESTS) {
          const r: LoadTestResult = await runLoadTest(client, {
            test, requests: opts.requests, concurrency: opts.clients, pipeline, valueBytes: opts.dataSize, keyspace: KEYSPACE, maxSeconds: opts.maxSeconds
          })
          rows.push({ system: 'dcache', n, level, test, pipeline, opsPerSec: r.opsPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors, failures: r.failures })
          printRow(rows[rows.length - 1] as Row)
        }
      }
    }
    return rows
  } finally {
    await cache?.close()
    await cluster.stop()
  }
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function hasCommand (name: string): Promise<boolean> {
  try {
    await promisify(execFile)(name, ['--version'])
    return true
  } catch {
    return false
  }
}

async function startRedis (port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('redis-server did not start')) }, REDIS_START_TIMEOUT_MS)
    child.stdout?.on('data', (chunk) => {
      if (String(chunk).includes('Ready to accept connections')) { clearTimeout(timer); resolve() }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}`)) })
  })
  child.stdout?.resume()
  return child
}

async function stopProcess (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const escalate = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(escalate)
}

async function benchRedis (opts: Options): Promise<Row[]> {
  const port = await freePort()
  const server = await startRedis(port)
  try {
    const rows: Row[] = []
    for (const pipeline of opts.pipelines) {
      const { stdout } = await promisify(execFile)('redis-benchmark', [
        '-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-P', String(pipeline), '-d', String(opts.dataSize),
        '-n', String(opts.requests), '-r', String(KEYSPACE), '-t', TESTS.join(','), '--csv'
      ], { timeout: REDIS_RUN_TIMEOUT_MS })
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      for (const line of stdout.trim().split('\n').slice(1)) {
        const cells = line.split(',').map((c) => c.replace(/"/g, ''))
        const test = cells[0]?.toLowerCase() as TestName
        rows.push({ system: 'redis', test, pipeline, opsPerSec: Math.round(Number(cells[1])), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]), errors: 0 })
        printRow(rows[rows.length - 1] as Row)
      }
    }
    return rows
  } finally {
    await stopProcess(server)
  }
}

function printRow (r: Row): void {
  const label = r.system === 'dcache' ? `N=${r.n} ${r.n === 1 ? '-' : r.level}` : ''
  console.log(`${r.system.padEnd(7)} ${label.padEnd(10)} ${r.test.toUpperCase().padEnd(4)} -P ${String(r.pipeline).padEnd(3)} ${String(r.opsPerSec).padStart(9)} ops/s` +
    `   p50 ${r.p50Ms.toFixed(3).padStart(7)} ms   p99 ${r.p99Ms.toFixed(3).padStart(7)} ms${r.errors > 0 ? `   errors ${r.errors}` : ''}`)
  for (const f of r.failures ?? []) console.log(`        ${f.count} x ${f.code}: ${f.message}`)
}

const opts = parseOptions(process.argv.slice(2))
console.log(`${NODES}-node dcache cluster (N=${opts.replication.join(', N=')}) vs redis-server: -n ${opts.requests} -c ${opts.clients} -P ${opts.pipelines.join('/')} -d ${opts.dataSize} -r ${KEYSPACE}`)
const dcache: Row[] = []
for (const n of opts.replication) dcache.push(...await benchDcache(opts, n))

// Replication's cost: each N>1 row against the N=1 row of the same test and pipeline.
const baseline = (r: Row): Row | undefined => dcache.find((b) => b.n === 1 && b.test === r.test && b.pipeline === r.pipeline)
const replicationCost = dcache.filter((r) => r.n !== 1 && baseline(r) !== undefined).map((r) => {
  const b = baseline(r) as Row
  const round = (x: number): number => Math.round(x * 1000) / 1000
  return { n: r.n, level: r.level, test: r.test, pipeline: r.pipeline, opsVsN1: round(r.opsPerSec / b.opsPerSec), p50ExtraMs: round(r.p50Ms - b.p50Ms), p99VsN1: round(r.p99Ms / b.p99Ms) }
})
if (replicationCost.length > 0) {
  console.log('\nagainst N=1: ops/s ratio, extra p50 ms, p99 ratio')
  for (const c of replicationCost) {
    console.log(`N=${c.n} ${String(c.level).padEnd(6)} ${c.test.toUpperCase().padEnd(4)} -P ${String(c.pipeline).padEnd(3)} ops ${c.opsVsN1.toFixed(2)}x   p50 +${c.p50ExtraMs.toFixed(3)} ms   p99 ${c.p99VsN1.toFixed(2)}x`)
  }
}
let redis: Row[] = []
if (await hasCommand('redis-server') && await hasCommand('redis-benchmark')) redis = await benchRedis(opts)
else console.log('redis-server/redis-benchmark not found; Redis half skipped. Install: apt-get update && apt-get install -y redis-server redis-tools')

const ratios = dcache.flatMap((d) => {
  const r = redis.find((x) => x.test === d.test && x.pipeline === d.pipeline)
  return r === undefined ? [] : [{ n: d.n, level: d.level, test: d.test, pipeline: d.pipeline, opsRatio: Math.round(d.opsPerSec / r.opsPerSec * 1000) / 1000 }]
})
if (ratios.length > 0) {
  console.log('\ndcache / redis ops/s')
  for (const r of ratios) console.log(`N=${r.n} ${String(r.n === 1 ? '-' : r.level).padEnd(6)} ${r.test.toUpperCase().padEnd(4)} -P ${String(r.pipeline).padEnd(3)} ${r.opsRatio.toFixed(3)}`)
}
console.log(JSON.stringify({ bench: 'cluster', node: process.version, nodes: NODES, ...opts, keyspace: KEYSPACE, dcache, redis, ratios, replicationCost }))
