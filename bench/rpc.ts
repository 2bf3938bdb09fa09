// RPC path benchmark: a GET-like request (19-byte key) answered with a 100-byte value from a Map, client and
// server in two processes on 127.0.0.1 over Libp2pTransport (TCP + Noise + Yamux, one stream, coalesced writes).
// Scenarios: 50 concurrent callers with 1 request in flight each, then with 16 each. Each is bounded in time and count.
// Usage: node --import tsx bench/rpc.ts [--seconds N]   (prints a table, then one JSON line)
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createHost, Libp2pTransport } from '../src/net/libp2p/index.js'

const OP = '/bench/get/1'
const KEYS = 10_000
const VALUE_BYTES = 100
const CALLERS = 50
const DEFAULT_SECONDS = 3
const WARMUP_MS = 1000
/** Upper bound on requests per scenario, whatever the duration. */
const MAX_OPS = 5_000_000
const SERVER_START_TIMEOUT_MS = 20_000

const keyOf = (i: number): string => `key:${String(i).padStart(15, '0')}`

async function runServer (): Promise<void> {
  const values = new Map<string, Uint8Array>()
  for (let i = 0; i < KEYS; i++) values.set(keyOf(i), new Uint8Array(VALUE_BYTES).fill(i % 251))
  const decoder = new TextDecoder()
  const transport = new Libp2pTransport(await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] }))
  await transport.start()
  await transport.handle(OP, async (_from, data) => values.get(decoder.decode(data)) ?? new Uint8Array())
  process.stdout.write(JSON.stringify({ addr: transport.addresses()[0] }) + '\n')
  // The parent closes our stdin when it is done (or dies).
  process.stdin.resume()
  process.stdin.on('end', () => { transport.stop().finally(() => process.exit(0)) })
}

interface Figures {
  scenario: string
  ops: number
  opsPerSec: number
  p50Us: number
  p99Us: number
  framesPerWrite: number
  /** CPU time (user + system) per request in each process; the server's only where /proc is readable (Linux). */
  clientCpuUs: number
  serverCpuUs: number | null
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null where there is no /proc. */
function cpuSecondsOf (pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

async function scenario (client: Libp2pTransport, server: string, serverPid: number, inFlight: number, durationMs: number): Promise<Figures> {
  const encoder = new TextEncoder()
  const keys = Array.from({ length: KEYS }, (_, i) => encoder.encode(keyOf(i)))
  const latencies = new Float64Array(MAX_OPS)
  let ops = 0
  const before = client.stats()
  const clientCpuBefore = process.cpuUsage()
  const serverCpuBefore = cpuSecondsOf(serverPid)
  const started = performance.now()
  const endAt = started + durationMs
  const loop = async (seed: number): Promise<void> => {
    let i = seed
    while (performance.now() < endAt && ops < MAX_OPS) {
      const t0 = performance.now()
      await client.request(server, OP, keys[i % KEYS] as Uint8Array)
      latencies[ops++] = performance.now() - t0
      i += 7919
    }
  }
  await Promise.all(Array.from({ length: CALLERS * inFlight }, async (_, n) => { await loop(n) }))
  const elapsed = performance.now() - started
  const clientCpu = process.cpuUsage(clientCpuBefore)
  const serverCpuAfter = cpuSecondsOf(serverPid)
  const after = client.stats()
  const sorted = latencies.subarray(0, ops).sort()
  const pct = (p: number): number => Math.round((sorted[Math.min(ops - 1, Math.floor(ops * p))] ?? 0) * 1000)
  return {
    scenario: `${CALLERS} callers x ${inFlight} in flight`,
    ops,
    opsPerSec: Math.round(ops / elapsed * 1000),
    p50Us: pct(0.5),
    p99Us: pct(0.99),
    framesPerWrite: Math.round((after.framesOut - before.framesOut) / Math.max(1, after.writes - before.writes) * 10) / 10,
    clientCpuUs: Math.round((clientCpu.user + clientCpu.system) / ops * 10) / 10,
    serverCpuUs: serverCpuBefore === null || serverCpuAfter === null ? null : Math.round((serverCpuAfter - serverCpuBefore) * 1e6 / ops * 10) / 10
  }
}

async function runClient (seconds: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--server'], { stdio: ['pipe', 'pipe', 'inherit'] })
  let client: Libp2pTransport | undefined
  try {
    const addr = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('server did not start')) }, SERVER_START_TIMEOUT_MS)
      createInterface({ input: child.stdout }).once('line', (line) => { clearTimeout(timer); resolve((JSON.parse(line) as { addr: string }).addr) })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}`)) })
    })
    client = new Libp2pTransport(await createHost({ listen: [] }))
    await client.start()
    const server = await client.connect(addr)
    const serverPid = child.pid as number
    await scenario(client, server, serverPid, 1, WARMUP_MS)
    const results = [await scenario(client, server, serverPid, 1, seconds * 1000), await scenario(client, server, serverPid, 16, seconds * 1000)]
    console.log('scenario                      ops/s     p50       p99    frames/write  CPU us/op client  server')
    for (const r of results) {
      console.log(`${r.scenario.padEnd(26)} ${String(r.opsPerSec).padStart(8)} ${`${r.p50Us} us`.padStart(9)} ${`${r.p99Us} us`.padStart(9)} ${String(r.framesPerWrite).padStart(8)}` +
        `${String(r.clientCpuUs).padStart(16)} ${String(r.serverCpuUs ?? '-').padStart(8)}`)
    }
    console.log(JSON.stringify({ bench: 'rpc', node: process.version, valueBytes: VALUE_BYTES, seconds, results }))
  } finally {
    await client?.stop()
    child.stdin.end()
    const exited = new Promise((resolve) => { child.once('exit', resolve) })
    const killTimer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
    await exited
    clearTimeout(killTimer)
  }
}

const args = process.argv.slice(2)
if (args.includes('--server')) await runServer()
else {
  const i = args.indexOf('--seconds')
  await runClient(i >= 0 ? Number(args[i + 1]) : DEFAULT_SECONDS)
}
