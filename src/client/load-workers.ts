import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { errorFromWire, InvalidArgumentError, LocalFailureError, TimeoutError, type WireError } from '../common/errors.js'
import { PACKAGE_ROOT } from '../common/package-root.js'
import { REQUEST_TIMEOUT_MS, type ConsistencyLevel } from '../config/defaults.js'
import { measureLoad, perThousand, summarizeLoad, type LoadSamples, type LoadTestInit, type LoadTestResult, type NodeCpu } from './load-generator.js'
import type { ConnectOptions } from './connect.js'
import type { DistributedCache } from './distributed-cache.js'
import { cpuMsOf, type NodeStats } from '../node/stats.js'

/** The worker module: an entry of the CLI bundle (scripts/bundle-cli.js), so it runs without tsx. */
export const LOAD_WORKER_FILE = join(PACKAGE_ROOT, 'dist', 'bundle', 'load-worker.js')

/** Time a worker process has to start and connect, beyond the connect timeout itself. */
const WORKER_START_MARGIN_MS = 15_000
/** Time a run may take beyond its maxSeconds before its workers are given up (a late request times out first). */
const WORKER_RUN_MARGIN_MS = 30_000
/** Time a worker has to close its client and exit when told, before it is killed. */
const WORKER_EXIT_TIMEOUT_MS = 3000
/** Bytes of a worker's stderr kept, to say why it died. */
const STDERR_TAIL_BYTES = 2048

/** How a worker process connects: what the generator's own client was connected with. */
export interface WorkerConnectInit {
  addresses: string[]
  options: Pick<ConnectOptions, 'timeout' | 'swarmKey' | 'consistency'>
}

export interface LoadGeneratorInit {
  /**
   * Processes the load comes from: 1 runs it in this process on the generator's client; more fork that many worker
   * processes, each with a client of its own, and split every test's requests and clients between them. @default 1
   */
  workers?: number
  /** How workers connect; needed with more than one. */
  connect?: WorkerConnectInit
}

/** One test; `consistency` is the level of its requests (default: the client's). */
export interface LoadRunInit extends LoadTestInit {
  consistency?: ConsistencyLevel
}

/** What a worker is told to run: a test without the callbacks, which it reports through messages instead. */
type WorkerRunInit = Omit<LoadRunInit, 'onProgress' | 'written'> & { progress: boolean, collectWritten: boolean }

/** Messages from the generator to a worker process (IPC with structured clone: typed arrays pass as they are). */
export type ToWorker =
  | { kind: 'connect', connect: WorkerConnectInit }
  | { kind: 'run', init: WorkerRunInit }
  | { kind: 'close' }

/** Messages from a worker process to the generator. */
export type FromWorker =
  | { kind: 'connected' }
  | { kind: 'progress', done: number }
  | { kind: 'measured', samples: LoadSamples, written?: string[] }
  | { kind: 'failed', error: WireError }

/**
 * The load of `dcache bench` and bench/cluster.ts, from this process or from worker processes (memtier-style), with
 * one result per test either way, and the nodes' CPU time over each test from their statistics.
 */
export class LoadGenerator {
  private constructor (private readonly cache: DistributedCache, private readonly pool: WorkerPool | undefined) {}

  static async start (cache: DistributedCache, init: LoadGeneratorInit = {}): Promise<LoadGenerator> {
    const workers = init.workers ?? 1
    if (!Number.isInteger(workers) || workers < 1) throw new InvalidArgumentError(`invalid workers ${workers}; must be an integer >= 1`, 'workers')
    if (workers === 1) return new LoadGenerator(cache, undefined)
    if (init.connect === undefined) throw new InvalidArgumentError('worker processes need the addresses to connect to', 'connect')
    return new LoadGenerator(cache, await WorkerPool.start(workers, init.connect))
  }

  get workers (): number {
    return this.pool?.size ?? 1
  }

  /** Runs one test: started in every worker at once, its result merged from all of them. */
  async run (init: LoadRunInit): Promise<LoadTestResult> {
    checkWorkerSplit(init.concurrency, this.workers)
    const before = await this.nodeStats()
    let samples: LoadSamples[]
    let seconds: number
    if (this.pool === undefined) {
      const sample = await measureLoad(init.consistency === undefined ? this.cache : this.cache.at(init.consistency), init)
      samples = [sample]
      seconds = sample.seconds
    } else {
      const started = performance.now()
      samples = await this.pool.measure(init)
      // from "go" to the last worker's report: the wall time the load took as one
      seconds = (performance.now() - started) / 1000
    }
    const result = summarizeLoad(init, samples, seconds)
    const after = before === undefined ? undefined : await this.nodeStats()
    return after === undefined || before === undefined ? result : { ...result, nodes: nodeCpuOver(before, after, result.requests) }
  }

  /** Stops the worker processes (killed if they do not exit in time); the client stays the caller's. */
  async close (): Promise<void> {
    await this.pool?.close()
  }

  /** Every node's statistics now; none when they cannot be had (the figure is left out, the test still runs). */
  private async nodeStats (): Promise<NodeStats[] | undefined> {
    try {
      return await this.cache.getStatistics()
    } catch {
      return undefined
    }
  }
}

/** Throws InvalidArgumentError unless `concurrency` clients can be split between `workers` processes, at least one each. */
export function checkWorkerSplit (concurrency: number, workers: number): void {
  if (concurrency < workers) throw new InvalidArgumentError(`${concurrency} clients cannot be split between ${workers} worker processes: each runs at least one`, 'concurrency')
}

/**
 * Each node's CPU time between two statistics, per 1,000 of `requests`; a node missing from either, or that does not
 * report its CPU (an older version), is left out.
 */
export function nodeCpuOver (before: NodeStats[], after: NodeStats[], requests: number): NodeCpu[] {
  return after.flatMap((a) => {
    const b = before.find((s) => s.id === a.id)
    const [cpuAfter, cpuBefore] = [cpuMsOf(a), b === undefined ? undefined : cpuMsOf(b)]
    return cpuAfter === undefined || cpuBefore === undefined ? [] : [{ id: a.id, name: a.name, cpuMsPer1000: perThousand(cpuAfter - cpuBefore, requests) }]
  }).sort((x, y) => x.name.localeCompare(y.name))
}

/** `total` split into `parts` shares that differ by at most one, the larger first. */
export function splitEvenly (total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0))
}

/** Worker processes, each connected to the cluster; every run goes to all of them at once. */
class WorkerPool {
  /** Kills the workers if this process ends first, however it ends (a worker also ends when its channel closes). */
  private readonly killOnExit = (): void => {
    for (const w of this.workers) w.kill()
  }

  /** Kills the workers, then lets the signal do what it would have done without this listener. */
  private readonly killOnSignal = (signal: NodeJS.Signals): void => {
    this.killOnExit()
    this.unlisten()
    process.kill(process.pid, signal)
  }

  private constructor (private readonly workers: LoadWorker[]) {
    process.once('exit', this.killOnExit)
    process.once('SIGINT', this.killOnSignal)
    process.once('SIGTERM', this.killOnSignal)
  }

  static async start (count: number, connect: WorkerConnectInit): Promise<WorkerPool> {
    if (!existsSync(LOAD_WORKER_FILE)) throw new LocalFailureError(`no load worker at ${LOAD_WORKER_FILE}: run npm run build`)
    const pool = new WorkerPool(Array.from({ length: count }, () => new LoadWorker()))
    try {
      const timeoutMs = (connect.options.timeout ?? REQUEST_TIMEOUT_MS) + WORKER_START_MARGIN_MS
      await Promise.all(pool.workers.map(async (w) => await w.request({ kind: 'connect', connect }, 'connected', timeoutMs)))
    } catch (err) {
      await pool.close()
      throw err
    }
    return pool
  }

  get size (): number {
    return this.workers.length
  }

  async measure (init: LoadRunInit): Promise<LoadSamples[]> {
    const requests = splitEvenly(init.requests, this.workers.length)
    const concurrency = splitEvenly(init.concurrency, this.workers.length)
    const done = new Array<number>(this.workers.length).fill(0)
    const started = performance.now()
    const timeoutMs = (init.maxSeconds ?? 60) * 1000 + WORKER_RUN_MARGIN_MS
    const { onProgress, written, ...test } = init
    const replies = await Promise.all(this.workers.map(async (w, i) => {
      w.onProgress = onProgress === undefined
        ? undefined
        : (n) => {
            done[i] = n
            onProgress(done.reduce((a, b) => a + b, 0), performance.now() - started)
          }
      const share: WorkerRunInit = {
        ...test, requests: requests[i] as number, concurrency: concurrency[i] as number, progress: onProgress !== undefined, collectWritten: written !== undefined
      }
      return await w.request({ kind: 'run', init: share }, 'measured', timeoutMs)
    }))
    for (const r of replies) for (const key of r.written ?? []) written?.add(key)
    return replies.map((r) => r.samples)
  }

  async close (): Promise<void> {
    await Promise.all(this.workers.map(async (w) => { await w.close() }))
    this.unlisten()
  }

  private unlisten (): void {
    process.removeListener('exit', this.killOnExit)
    process.removeListener('SIGINT', this.killOnSignal)
    process.removeListener('SIGTERM', this.killOnSignal)
  }
}

type Reply<K extends FromWorker['kind']> = Extract<FromWorker, { kind: K }>

/** One forked worker process and the one request to it that may be outstanding. */
class LoadWorker {
  onProgress?: (done: number) => void
  private readonly child: ChildProcess
  private stderr = ''
  private pending?: { kind: FromWorker['kind'], resolve: (m: FromWorker) => void, reject: (err: Error) => void }
  /** Why the worker can take no more requests: it exited, or could not be started. */
  private gone?: Error
  private readonly exited: Promise<void>

  constructor () {
    this.child = fork(LOAD_WORKER_FILE, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    this.child.stderr?.on('data', (d) => { this.stderr = (this.stderr + String(d)).slice(-STDERR_TAIL_BYTES) })
    this.child.on('message', (m: FromWorker) => { this.receive(m) })
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        const why = this.stderr.trim()
        this.fail(new LocalFailureError(`load worker ${this.child.pid} exited (${signal ?? `code ${code}`})${why === '' ? '' : `: ${why}`}`))
        resolve()
      })
      // a process that could not be started (it never exits), or a message that could not be sent (it is exiting)
      this.child.on('error', (err) => {
        this.fail(new LocalFailureError(`load worker: ${err.message}`))
        if (this.child.pid === undefined) resolve()
      })
    })
  }

  /** Sends `message` and resolves with the worker's reply of `kind`; rejects on its failure, its exit or after timeoutMs. */
  async request<K extends FromWorker['kind']> (message: ToWorker, kind: K, timeoutMs: number): Promise<Reply<K>> {
    if (this.gone !== undefined) throw this.gone
    const reply = new Promise<FromWorker>((resolve, reject) => { this.pending = { kind, resolve, reject } })
    const timer = setTimeout(() => { this.fail(new TimeoutError(`load worker ${this.child.pid} did not answer ${message.kind} within ${timeoutMs} ms`), false) }, timeoutMs)
    try {
      this.child.send(message)
      return await reply as Reply<K>
    } finally {
      clearTimeout(timer)
    }
  }

  /** Tells the worker to close its client and exit; kills it by PID if it has not within WORKER_EXIT_TIMEOUT_MS. */
  async close (): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return
    if (this.child.connected) this.child.send({ kind: 'close' } satisfies ToWorker)
    const timer = setTimeout(() => { this.kill() }, this.child.connected ? WORKER_EXIT_TIMEOUT_MS : 0)
    await this.exited
    clearTimeout(timer)
  }

  kill (): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }

  private receive (m: FromWorker): void {
    if (m.kind === 'progress') {
      this.onProgress?.(m.done)
      return
    }
    const pending = this.pending
    this.pending = undefined
    if (pending === undefined) return
    if (m.kind === 'failed') pending.reject(errorFromWire(m.error))
    else if (m.kind === pending.kind) pending.resolve(m)
    else pending.reject(new LocalFailureError(`load worker ${this.child.pid} sent ${m.kind}, expected ${pending.kind}`))
  }

  /** Rejects the pending request with `err`; unless only that request failed, every later one too. */
  private fail (err: Error, final = true): void {
    if (final) this.gone ??= err
    const pending = this.pending
    this.pending = undefined
    pending?.reject(err)
  }
}
