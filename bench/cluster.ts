// Cluster benchmark against Redis, in one run: a cluster of 3 (or 1) `dcache node start` child processes on 127.0.0.1
// driven by the same load as `dcache bench` (SET then GET, 100-byte values; from this process, or from --workers K
// worker processes as `dcache bench --workers K`), once per replication factor and level (N=1 as the single-copy
// baseline, then N=3 at one, quorum and all), then redis-server driven by redis-benchmark with the same -c/-P/-d/-n/-r,
// one run per test. Every row has the CPU ms per 1,000 requests of the load generator and of the server side: the
// nodes (from their statistics before and after the test), redis-server (from /proc/<pid>/stat over its run) and
// redis-benchmark (this process's reaped-children CPU time over its run). Prints a table, each N=3 row against N=1,
// dcache/redis ratios (ops/s, and server CPU per request), then one JSON line with everything.
// Needs a build first (the nodes and the workers run dist/): npm run build && node --import tsx bench/cluster.ts
// [--nodes 3|1] [--workers K] [--requests N] [--clients C] [--pipelines 1,16] [--data-size D] [--max-seconds S]
// [--replication 1,3] [--consistency one,quorum,all]. Without redis-server it says how to install it and skips the
// Redis half. Every process it starts is stopped by PID, on failure too.
import { spawn, type ChildProcess } from 'node:child_process'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { endWithThisProcess, LocalCluster, stopProcess } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import { perThousand, type FailureReason, type NodeCpu } from '../src/client/load-generator.js'
import { LoadGenerator } from '../src/client/load-workers.js'
import type { DistributedCache } from '../src/client/distributed-cache.js'
import { waitForMembers } from './wait-for-members.js'
import { printUsageOnHelp } from './usage.js'

const TESTS = ['set', 'get'] as const
const KEYSPACE = 100_000
const REDIS_START_TIMEOUT_MS = 10_000
/** Per redis-benchmark run; it has no duration flag of its own. */
const REDIS_RUN_TIMEOUT_MS = 120_000

type TestName = typeof TESTS[number]

type Level = 'one' | 'quorum' | 'all'

interface Options {
  nodes: number, workers: number, requests: number, clients: number, pipelines: number[], dataSize: number, maxSeconds: number, replication: number[], levels: Level[]
}

interface Row {
  system: 'dcache' | 'redis', test: TestName, pipeline: number, opsPerSec: number, p50Ms: number, p99Ms: number, errors: number
  /** CPU ms per 1,000 requests of the load generator (dcache bench's, all its processes; redis-benchmark). */
  clientCpuMsPer1000: number
  /** CPU ms per 1,000 requests of the server side: the nodes together, or redis-server (absent if not measured). */
  serverCpuMsPer1000?: number
  /** dcache only: replicas per key and the level of every request, why requests failed, and each node's CPU. */
  n?: number
  level?: Level
  failures?: FailureReason[]
  nodes?: NodeCpu[]
  /** dcache only: the generator was CPU-bound (see `dcache bench --help`). */
  clientCpuBound?: boolean
}

function parseOptions (argv: string[]): Options {
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] as string : fallback
  }
  return {
    nodes: Number(flag('nodes', '3')),
    workers: Number(flag('workers', '1')),
    requests: Number(flag('requests', '100000')),
    clients: Number(flag('clients', '50')),
    pipelines: flag('pipelines', '1,16').split(',').map(Number),
    dataSize: Number(flag('data-size', '100')),
    maxSeconds: Number(flag('max-seconds', '30')),
    replication: flag('replication', '1,3').split(',').map(Number),
    levels: flag('consistency', 'one,quorum,all').split(',') as Level[]
  }
}

/** One cluster with N replicas per key; with N=1 every level is the same, so it runs once (as quorum). */
async function benchDcache (opts: Options, n: number): Promise<Row[]> {
  const cluster = await LocalCluster.start({ nodes: opts.nodes, nodeArgs: ['--preset', 'local', '--replication-factor', String(n)] })
  let cache: DistributedCache | undefined
  let generator: LoadGenerator | undefined
  try {
    const addresses = cluster.nodes.map((node) => node.address)
    cache = await connectClient(addresses)
    await waitForMembers(cache, opts.nodes)
    generator = await LoadGenerator.start(cache, { workers: opts.workers, connect: { addresses, options: {} } })
    const rows: Row[] = []
    for (const level of n === 1 ? ['quorum' as const] : opts.levels) {
      for (const pipeline of opts.pipelines) {
        for (const test of TESTS) {
          const r = await generator.run({
            test, requests: opts.requests, concurrency: opts.clients, pipeline, valueBytes: opts.dataSize, keyspace: KEYSPACE, maxSeconds: opts.maxSeconds, consistency: level
          })
          rows.push({
            system: 'dcache', n, level, test, pipeline, opsPerSec: r.opsPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors, failures: r.failures,
            clientCpuMsPer1000: r.cpuMsPer1000, clientCpuBound: r.cpuBound, nodes: r.nodes,
            ...(r.nodes === undefined ? {} : { serverCpuMsPer1000: round(r.nodes.reduce((a, x) => a + x.cpuMsPer1000, 0)) })
          })
          printRow(rows[rows.length - 1] as Row)
        }
      }
    }
    return rows
  } finally {
    await generator?.close()
    await cache?.close()
    await cluster.stop()
  }
}

/** Milliseconds per tick of the CPU times in /proc (USER_HZ, 100 on Linux unless built otherwise). */
async function msPerTick (): Promise<number> {
  try {
    return 1000 / Number((await promisify(execFile)('getconf', ['CLK_TCK'])).stdout.trim())
  } catch {
    return 10
  }
}

/**
 * CPU ms from /proc/<pid>/stat: utime+stime of the process itself, or cutime+cstime of its children that have
 * exited and were waited for (fields 14-17; counted after the ")" that ends the command name, which may hold spaces).
 */
async function procCpuMs (pid: number | 'self', of: 'self' | 'children', tickMs: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): utime is field 14, so fields[11]
  const first = of === 'self' ? 11 : 13
  return (Number(fields[first]) + Number(fields[first + 1])) * tickMs
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
  endWithThisProcess(child)
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

async function benchRedis (opts: Options): Promise<Row[]> {
  const port = await freePort()
  const server = await startRedis(port)
  const tickMs = await msPerTick()
  try {
    const rows: Row[] = []
    for (const pipeline of opts.pipelines) {
      // one run per test, so that each row has the CPU of its own run
      for (const test of TESTS) {
        const serverBefore = await procCpuMs(server.pid as number, 'self', tickMs)
        const clientBefore = await procCpuMs('self', 'children', tickMs)
        const { stdout } = await promisify(execFile)('redis-benchmark', [
          '-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-P', String(pipeline), '-d', String(opts.dataSize),
          '-n', String(opts.requests), '-r', String(KEYSPACE), '-t', test, '--csv'
        ], { timeout: REDIS_RUN_TIMEOUT_MS })
        const serverMs = await procCpuMs(server.pid as number, 'self', tickMs) - serverBefore
        // redis-benchmark has exited and been waited for: its CPU time is now in this process's children's
        const clientMs = await procCpuMs('self', 'children', tickMs) - clientBefore
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        const cells = (stdout.trim().split('\n')[1] ?? '').split(',').map((c) => c.replace(/"/g, ''))
        rows.push({
          system: 'redis', test, pipeline, opsPerSec: Math.round(Number(cells[1])), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]), errors: 0,
          clientCpuMsPer1000: perThousand(clientMs, opts.requests), serverCpuMsPer1000: perThousand(serverMs, opts.requests)
        })
        printRow(rows[rows.length - 1] as Row)
      }
    }
    return rows
  } finally {
    await stopProcess(server)
  }
}

function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

function printRow (r: Row): void {
  const label = r.system === 'dcache' ? `N=${r.n} ${r.n === 1 ? '-' : r.level}` : ''
  const server = r.serverCpuMsPer1000 === undefined ? '-' : r.serverCpuMsPer1000.toFixed(1)
  const nodes = (r.nodes?.length ?? 0) > 1 ? ` (${(r.nodes ?? []).map((x) => `${x.name} ${x.cpuMsPer1000.toFixed(1)}`).join(', ')})` : ''
  console.log(`${r.system.padEnd(7)} ${label.padEnd(10)} ${r.test.toUpperCase().padEnd(4)} -P ${String(r.pipeline).padEnd(3)} ${String(r.opsPerSec).padStart(9)} ops/s` +
    `   p50 ${r.p50Ms.toFixed(3).padStart(7)} ms   p99 ${r.p99Ms.toFixed(3).padStart(7)} ms` +
    `   cpu/1k client ${r.clientCpuMsPer1000.toFixed(1).padStart(6)}${r.clientCpuBound === true ? ' (CPU-bound)' : ''} server ${server.padStart(6)}${nodes}` +
    `${r.errors > 0 ? `   errors ${r.errors}` : ''}`)
  for (const f of r.failures ?? []) console.log(`        ${f.count} x ${f.code}: ${f.message}`)
}

printUsageOnHelp(import.meta.url)
const opts = parseOptions(process.argv.slice(2))
const skipped = opts.replication.filter((n) => n > opts.nodes)
if (skipped.length > 0) console.log(`N=${skipped.join(', N=')} skipped: more replicas than the ${opts.nodes} member(s)`)
opts.replication = opts.replication.filter((n) => n <= opts.nodes)
console.log(`${opts.nodes}-node dcache cluster (N=${opts.replication.join(', N=')}) vs redis-server: -n ${opts.requests} -c ${opts.clients} -P ${opts.pipelines.join('/')} ` +
  `-d ${opts.dataSize} -r ${KEYSPACE}; dcache load from ${opts.workers === 1 ? 'this process' : `${opts.workers} worker processes`}, redis-benchmark single-threaded; ` +
  'cpu/1k: CPU ms per 1,000 requests of the load generator (client) and of the nodes together or redis-server (server)')
const dcache: Row[] = []
for (const n of opts.replication) dcache.push(...await benchDcache(opts, n))

// Replication's cost: each N>1 row against the N=1 row of the same test and pipeline.
const baseline = (r: Row): Row | undefined => dcache.find((b) => b.n === 1 && b.test === r.test && b.pipeline === r.pipeline)
const replicationCost = dcache.filter((r) => r.n !== 1 && baseline(r) !== undefined).map((r) => {
  const b = baseline(r) as Row
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
  if (r === undefined) return []
  const cpu = d.serverCpuMsPer1000 === undefined || r.serverCpuMsPer1000 === undefined || r.serverCpuMsPer1000 === 0
    ? {}
    : { serverCpuRatio: round(d.serverCpuMsPer1000 / r.serverCpuMsPer1000) }
  return [{ n: d.n, level: d.level, test: d.test, pipeline: d.pipeline, opsRatio: round(d.opsPerSec / r.opsPerSec), ...cpu }]
})
if (ratios.length > 0) {
  console.log('\ndcache / redis: ops/s, and server CPU per request (the nodes together / redis-server)')
  for (const r of ratios) {
    console.log(`N=${r.n} ${String(r.n === 1 ? '-' : r.level).padEnd(6)} ${r.test.toUpperCase().padEnd(4)} -P ${String(r.pipeline).padEnd(3)} ops ${r.opsRatio.toFixed(3)}` +
      `   cpu ${r.serverCpuRatio === undefined ? '-' : `${r.serverCpuRatio.toFixed(2)}x`}`)
  }
}
console.log(JSON.stringify({ bench: 'cluster', node: process.version, ...opts, keyspace: KEYSPACE, dcache, redis, ratios, replicationCost }))
