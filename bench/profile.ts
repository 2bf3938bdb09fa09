// Where the CPU goes on both sides of a bench: for each -P, a fresh cluster of `dcache node start` processes and one
// bounded `dcache bench` against it, every one of them (and bench's worker processes) under `node --cpu-prof`
// (through NODE_OPTIONS; a node writes its profile when SIGTERM ends it, bench when it exits). Then for each process:
// the top functions by self time (bundled code mapped back to src/ and node_modules/ through the bundle's source
// maps), and the same time grouped by package or source file; percentages are of the process's busy (non-idle) time.
// The .cpuprofile files stay in --out (default: a new temp dir, printed) for Chrome DevTools (Performance > Load
// profile) or https://www.speedscope.app. Ends with one JSON line.
// Needs a build first: npm run build && node --import tsx bench/profile.ts [--nodes 1] [--workers 1] [--tests set,get]
// [--clients 50] [--pipelines 1,16] [--requests 50000] [--data-size 100] [--max-seconds 20] [--top 25] [--out DIR]
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rename, rmdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DCACHE_BIN, LocalCluster } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import { formatTable } from '../src/cli/table.js'
import type { LoadTestResult } from '../src/client/load-generator.js'
import { sourceMapPositions, summarizeProfile, type CpuProfile, type ProfileSummary } from './cpu-profile.js'
import { waitForMembers } from './wait-for-members.js'
import { printUsageOnHelp } from './usage.js'

/** Time bench may take beyond its tests' --max-seconds (start, connect, the probe write) before it is killed. */
const BENCH_MARGIN_MS = 60_000

interface Options {
  nodes: number, workers: number, tests: string, clients: number, pipelines: number[], requests: number, dataSize: number, maxSeconds: number, top: number, out?: string
}

interface ProcessProfile { role: string, file: string, summary: ProfileSummary }

function parseOptions (argv: string[]): Options {
  const flag = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] as string : fallback
  }
  const out = flag('out', '')
  return {
    nodes: Number(flag('nodes', '1')),
    workers: Number(flag('workers', '1')),
    tests: flag('tests', 'set,get'),
    clients: Number(flag('clients', '50')),
    pipelines: flag('pipelines', '1,16').split(',').map(Number),
    requests: Number(flag('requests', '50000')),
    dataSize: Number(flag('data-size', '100')),
    maxSeconds: Number(flag('max-seconds', '20')),
    top: Number(flag('top', '25')),
    ...(out === '' ? {} : { out })
  }
}

/** Runs `dcache bench` (profiled, with its workers) and returns its results; it is killed by PID if it overruns. */
async function runBench (opts: Options, pipeline: number, addresses: string[], profileDir: string): Promise<{ pid: number, results: LoadTestResult[] }> {
  const args = [DCACHE_BIN, 'bench', '-n', String(opts.requests), '-c', String(opts.clients), '-P', String(pipeline), '-t', opts.tests,
    '-d', String(opts.dataSize), '--max-seconds', String(opts.maxSeconds), '--workers', String(opts.workers), '--json', '--node', addresses.join(',')]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: cpuProfOptions(profileDir) } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  const tests = opts.tests.split(',').length
  const timer = setTimeout(() => child.kill('SIGKILL'), tests * opts.maxSeconds * 1000 + BENCH_MARGIN_MS)
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  clearTimeout(timer)
  if (stderr.trim() !== '') process.stderr.write(stderr)
  if (code !== 0) throw new Error(`dcache bench exited with ${code}`)
  return { pid: child.pid as number, results: stdout.trim().split('\n').map((line) => JSON.parse(line) as LoadTestResult) }
}

function cpuProfOptions (dir: string): string {
  return [process.env.NODE_OPTIONS ?? '', '--cpu-prof', `--cpu-prof-dir=${dir}`].join(' ').trim()
}

/** The pid in a profile's default name, CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
function pidOf (file: string): number {
  return Number(file.split('.')[3])
}

/** Names each profile in `dir` by the role of its process, moves it to `to`, and summarizes it. */
async function collect (dir: string, to: string, roleOf: (pid: number) => string): Promise<ProcessProfile[]> {
  const positions = sourceMapPositions()
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()
  const profiles: ProcessProfile[] = []
  for (const f of files) {
    const role = roleOf(pidOf(f))
    const file = join(to, `${role}.cpuprofile`)
    await rename(join(dir, f), file)
    profiles.push({ role, file, summary: summarizeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, positions) })
  }
  await rmdir(dir)
  return profiles
}

function printProfile (p: ProcessProfile, top: number): void {
  const s = p.summary
  const busyMs = s.totalMs - s.idleMs
  const share = (ms: number): string => busyMs <= 0 ? '-' : `${(100 * ms / busyMs).toFixed(1)}%`
  console.log(`\n-- ${p.role}: ${(s.totalMs / 1000).toFixed(1)} s profiled, busy ${(busyMs / 1000).toFixed(1)} s (idle ${(100 * s.idleMs / s.totalMs).toFixed(0)}%), ` +
    `GC ${share(s.gcMs)} of busy; ${p.file}`)
  console.log(formatTable(['self ms', 'busy', 'function', 'where'], s.functions.slice(0, top).map((f) => [Math.round(f.selfMs), share(f.selfMs), f.name, f.location])))
  console.log('')
  console.log(formatTable(['self ms', 'busy', 'package or file'], s.groups.slice(0, top).map((g) => [Math.round(g.selfMs), share(g.selfMs), g.group])))
}

printUsageOnHelp(import.meta.url)
const opts = parseOptions(process.argv.slice(2))
const out = opts.out ?? await mkdtemp(join(tmpdir(), 'dcache-profile-'))
console.log(`CPU profiles of ${opts.nodes} node(s) and dcache bench (${opts.workers === 1 ? 'one process' : `${opts.workers} worker processes`}): ` +
  `-t ${opts.tests} -n ${opts.requests} -c ${opts.clients} -P ${opts.pipelines.join('/')} -d ${opts.dataSize}; files in ${out}`)
const runs: Array<{ pipeline: number, results: Array<Pick<LoadTestResult, 'test' | 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'cpuMsPer1000' | 'cpuBound'>>, profiles: ProcessProfile[] }> = []
for (const pipeline of opts.pipelines) {
  const dir = join(out, `P${pipeline}`)
  const raw = { nodes: join(dir, 'raw-nodes'), bench: join(dir, 'raw-bench') }
  await mkdir(raw.nodes, { recursive: true })
  await mkdir(raw.bench, { recursive: true })
  const cluster = await LocalCluster.start({ nodes: opts.nodes, nodeArgs: ['--preset', 'local'], env: { NODE_OPTIONS: cpuProfOptions(raw.nodes) } })
  const nodeNames = new Map(cluster.nodes.map((n) => [n.pid, n.name]))
  let bench: Awaited<ReturnType<typeof runBench>>
  try {
    const addresses = cluster.nodes.map((n) => n.address)
    if (opts.nodes > 1) {
      const cache = await connectClient(addresses)
      try {
        await waitForMembers(cache, opts.nodes)
      } finally {
        await cache.close()
      }
    }
    bench = await runBench(opts, pipeline, addresses, raw.bench)
  } finally {
    // SIGTERM: each node leaves and exits, writing its profile
    await cluster.stop()
  }
  let worker = 0
  const profiles = [
    ...await collect(raw.nodes, dir, (pid) => nodeNames.get(pid) ?? `node-pid${pid}`),
    ...await collect(raw.bench, dir, (pid) => pid === bench.pid ? 'bench' : `bench-worker-${++worker}`)
  ]
  const results = bench.results.map((r) => ({ test: r.test, opsPerSec: r.opsPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuMsPer1000: r.cpuMsPer1000, cpuBound: r.cpuBound }))
  console.log(`\n== -P ${pipeline}: ${results.map((r) => `${r.test.toUpperCase()} ${r.opsPerSec} ops/s (p99 ${r.p99Ms} ms${r.cpuBound ? ', generator CPU-bound' : ''})`).join(', ')}`)
  for (const p of profiles) printProfile(p, opts.top)
  runs.push({ pipeline, results, profiles })
}
const brief = (s: ProfileSummary): object => ({
  totalMs: Math.round(s.totalMs), idleMs: Math.round(s.idleMs), gcMs: Math.round(s.gcMs),
  top: s.functions.slice(0, 10).map((f) => ({ name: f.name, location: f.location, selfMs: Math.round(f.selfMs) })),
  groups: s.groups.slice(0, 10).map((g) => ({ group: g.group, selfMs: Math.round(g.selfMs) }))
})
console.log(JSON.stringify({ bench: 'profile', node: process.version, ...opts, out, runs: runs.map((r) => ({ ...r, profiles: r.profiles.map((p) => ({ role: p.role, file: p.file, ...brief(p.summary) })) })) }))
