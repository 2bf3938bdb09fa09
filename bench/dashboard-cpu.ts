// What the dashboard costs: its own CPU while the cluster idles and while it runs a bench load, and the cluster's
// ops/s with and without a dashboard attached. The dashboard runs in tmux (a real terminal), on 3 node processes.
// Usage: node --import tsx bench/dashboard-cpu.ts [--seconds 20] [--clients 50]   (needs npm run build and tmux)
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DCACHE_BIN, LocalCluster } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import { runLoadTest, type LoadTestResult } from '../src/client/load-generator.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, clients: { type: 'string', default: '50' } } })
const SECONDS = Number(values.seconds)
const SESSION = `dcache-dash-cpu-${process.pid}`
const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

async function measureCpu (pid: number, during: () => Promise<unknown>): Promise<number> {
  const before = cpuSeconds(pid)
  const started = performance.now()
  await during()
  return (cpuSeconds(pid) - before) / ((performance.now() - started) / 1000)
}

const idle = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)) }

const cluster = await LocalCluster.start({ nodes: 3 })
const client = await connectClient(cluster.nodes.map((n) => n.address))
const load = async (): Promise<LoadTestResult> => await runLoadTest(client, {
  test: 'mixed', requests: 50_000_000, concurrency: Number(values.clients), pipeline: 1, valueBytes: 100, keyspace: 100_000, maxSeconds: SECONDS
})
try {
  const withoutDashboard = await load()

  const command = `exec ${process.execPath} ${DCACHE_BIN} dashboard --node ${cluster.nodes[0]?.address}`
  execFileSync('tmux', ['new-session', '-d', '-s', SESSION, '-x', '160', '-y', '48', '-e', 'LANG=C.UTF-8', '-e', 'TERM=xterm-256color', command])
  const dashboardPid = Number(execFileSync('tmux', ['list-panes', '-t', SESSION, '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim())
  await new Promise((resolve) => setTimeout(resolve, 3000)) // let it connect and draw before measuring
  const dashboardIdle = await measureCpu(dashboardPid, idle)
  let withDashboard: LoadTestResult | undefined
  const dashboardLoaded = await measureCpu(dashboardPid, async () => { withDashboard = await load() })
  const result = {
    seconds: SECONDS,
    dashboardCpuIdle: Math.round(dashboardIdle * 1000) / 10,
    dashboardCpuUnderLoad: Math.round(dashboardLoaded * 1000) / 10,
    opsPerSecWithoutDashboard: withoutDashboard.opsPerSec,
    opsPerSecWithDashboard: withDashboard?.opsPerSec,
    ratio: Math.round((withDashboard?.opsPerSec ?? 0) / withoutDashboard.opsPerSec * 1000) / 1000
  }
  console.log(`dashboard CPU: ${result.dashboardCpuIdle}% of a core idle, ${result.dashboardCpuUnderLoad}% under load`)
  console.log(`cluster mixed load: ${result.opsPerSecWithoutDashboard} ops/s without the dashboard, ${result.opsPerSecWithDashboard} with (x${result.ratio})`)
  console.log(JSON.stringify(result))
} finally {
  try { execFileSync('tmux', ['kill-session', '-t', SESSION]) } catch { /* not started */ }
  await client.close()
  await cluster.stop()
}
