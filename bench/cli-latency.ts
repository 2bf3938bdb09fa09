// CLI start-up latency: what one `dcache get` costs as a process of its own, the way a shell loop runs it.
// Starts one `dcache node start` on 127.0.0.1 (temporary data dir, removed afterwards), then runs every case --runs
// times as a child process, one at a time and round-robin (so load on the machine hits every case alike), and prints
// median, p90, min and max wall time per case, the median CPU time (user + system, Linux only: what a busy machine
// inflates least), then one JSON line.
// Cases: bare `node -e 0`, `dcache --version` (Node + the CLI bundle + oclif), `dcache put` and `dcache get` as an
// operator on the member's machine runs them (the member found through the data dir, so over its local socket),
// `dcache get --node ADDR` over the network (libp2p: TCP + Noise + Yamux), and with --npx `npx dcache get` (npm's own
// start-up on top). `steps` runs the network client's connect path from the same source, bundled the way the CLI is,
// and reports each step's median: import, host start, dial, first request (the RPC stream opens with it, the ring
// request just ahead of it), close.
// Usage: npm run build && node --import tsx bench/cli-latency.ts [--runs 20] [--npx] [--max-seconds 300]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'
import { DCACHE_BIN, LocalCluster, type LocalNode } from '../src/cli/local-cluster.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    npx: { type: 'boolean', default: false },
    'max-seconds': { type: 'string', default: '300' }
  }
})
const RUNS = Math.min(Math.max(1, Number(values.runs)), 1000)
const DEADLINE = Date.now() + Number(values['max-seconds']) * 1000
/** One child that takes longer than this is killed and counted as failed. */
const CHILD_TIMEOUT_MS = 30_000
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const KEY = 'bench:cli-latency'
const STEPS = ['import', 'host start', 'dial', 'first request', 'close'] as const

interface Case { name: string, command: string, args: string[], expect: RegExp }
interface Outcome { ms: number, cpuMs: number, ok: boolean, stdout: string, stderr: string }

/** CPU time of this process's reaped children so far (/proc/self/stat cutime + cstime, 100 ticks/s); NaN elsewhere. */
function childrenCpuMs (): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return NaN
  }
}

/** Runs one child to its exit; wall time from spawn to exit. */
async function runOnce (c: Case, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const cpuBefore = childrenCpuMs()
  const started = performance.now()
  const child = spawn(c.command, c.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { ms: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore, ok: code === 0 && c.expect.test(stdout), stdout, stderr }
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN
}

function median (samples: number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 0.5)
}

function summary (samples: Outcome[]): { runs: number, median: number, p90: number, min: number, max: number, cpuMedian: number } {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b)
  return { runs: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, cpuMedian: median(samples.map((s) => s.cpuMs)) }
}

/**
 * The client's connect path, step by step, bundled from src/ and compile-cached like the CLI: each run prints one JSON
 * line of step times.
 */
async function bundleSteps (dir: string): Promise<string> {
  const script = `
const { enableCompileCache } = await import('node:module')
enableCompileCache()
const t0 = performance.now()
const { createClientHost } = await import('./src/net/libp2p/client-host.ts')
const { Libp2pTransport } = await import('./src/net/libp2p/libp2p-transport.ts')
const { DistributedCache } = await import('./src/client/distributed-cache.ts')
const t1 = performance.now()
const host = await createClientHost()
const transport = new Libp2pTransport(host)
await transport.start()
const t2 = performance.now()
const seed = await transport.connect(process.env.DCACHE_STEPS_NODE)
const t3 = performance.now()
const cache = await DistributedCache.open({ transport, close: () => transport.stop() }, [seed])
await cache.get(${JSON.stringify(KEY)})
const t4 = performance.now()
await cache.close()
const t5 = performance.now()
console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
process.exit()
`
  const outfile = join(dir, 'steps.js')
  await build({
    stdin: { contents: script, resolveDir: ROOT, sourcefile: 'steps.js', loader: 'js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['msgpackr-extract'],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    logLevel: 'warning'
  })
  return outfile
}

const scratch = await mkdtemp(join(tmpdir(), 'dcache-cli-latency-'))
let cluster: LocalCluster | undefined
try {
  cluster = await LocalCluster.start({ nodes: 1 })
  const member = cluster.nodes[0] as LocalNode
  const env = { ...process.env, DCACHE_DATA_DIR: member.dataDir, DCACHE_NODE: '', NODE_DISABLE_COLORS: '1' }
  const stepsScript = await bundleSteps(scratch)
  await writeFile(join(scratch, 'package.json'), '{"type":"module"}')
  const dcache = (...args: string[]): string[] => [DCACHE_BIN, ...args]
  const cases: Case[] = [
    { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], expect: /^$/ },
    { name: 'dcache --version', command: process.execPath, args: dcache('--version'), expect: /^dcache\// },
    { name: 'dcache put', command: process.execPath, args: dcache('put', KEY, 'hello'), expect: /^OK/ },
    { name: 'dcache get', command: process.execPath, args: dcache('get', KEY), expect: /^hello/ },
    { name: 'dcache get --node', command: process.execPath, args: dcache('get', KEY, '--node', member.address), expect: /^hello/ },
    { name: 'steps', command: process.execPath, args: [stepsScript], expect: /^\[/ },
    ...(values.npx ? [{ name: 'npx dcache get', command: 'npx', args: ['dcache', 'get', KEY], expect: /^hello/ }] : [])
  ]
  const samples = new Map<string, Outcome[]>(cases.map((c) => [c.name, []]))
  const steps: number[][] = STEPS.map(() => [])
  const failures = new Map<string, string>()
  let rounds = 0
  while (rounds < RUNS && Date.now() < DEADLINE) {
    for (const c of cases) {
      const outcome = await runOnce(c, c.name === 'steps' ? { ...env, DCACHE_STEPS_NODE: member.address } : env)
      if (!outcome.ok) {
        failures.set(c.name, `${outcome.stdout}${outcome.stderr}`.trim().split('\n')[0] ?? '')
        continue
      }
      samples.get(c.name)?.push(outcome)
      if (c.name === 'steps') (JSON.parse(outcome.stdout) as number[]).forEach((ms, i) => steps[i]?.push(ms))
    }
    rounds++
  }
  const results = Object.fromEntries([...samples].map(([name, ms]) => [name, summary(ms)]))
  console.log(`${rounds} rounds against one node on 127.0.0.1 (ms, wall time per process)`)
  console.log(`${'case'.padEnd(18)} ${['median', 'p90', 'min', 'max', 'cpu'].map((h) => h.padStart(7)).join(' ')}  runs`)
  for (const [name, s] of Object.entries(results)) {
    console.log(`${name.padEnd(18)} ${[s.median, s.p90, s.min, s.max, s.cpuMedian].map((v) => v.toFixed(0).padStart(7)).join(' ')}  ${s.runs}`)
  }
  const stepMedians = Object.fromEntries(STEPS.map((name, i) => [name, median(steps[i] ?? [])]))
  console.log(`steps (median ms): ${Object.entries(stepMedians).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}`)
  for (const [name, first] of failures) console.log(`FAILED ${name}: ${first}`)
  console.log(JSON.stringify({ rounds, results, steps: stepMedians, failures: Object.fromEntries(failures) }))
  if (failures.size > 0) process.exitCode = 1
} finally {
  await cluster?.stop()
  await rm(scratch, { recursive: true, force: true })
}
