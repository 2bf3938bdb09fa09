import { availableParallelism } from 'node:os'
import { CacheError } from '../common/errors.js'
import type { DistributedCache } from './distributed-cache.js'

export const LOAD_TESTS = ['set', 'get', 'mixed', 'incr'] as const
export type LoadTestName = typeof LOAD_TESTS[number]

/** Failure reasons a result lists: the most frequent codes. */
export const FAILURE_CODES_SHOWN = 5

export interface LoadTestInit {
  test: LoadTestName
  /** Total requests; the run also stops at maxSeconds. */
  requests: number
  /** Concurrent clients. */
  concurrency: number
  /** Requests each client sends together as one pipeline and waits for (redis-benchmark's -P); 1 = one at a time. */
  pipeline: number
  /** Size of each value written. */
  valueBytes: number
  /**
   * Keys are `<prefix>key:000000000000` .. `<prefix>key:<keyspace-1>` (set, get, mixed) and `<prefix>counter:…`
   * (incr, so it never meets the strings set wrote), drawn at random, as redis-benchmark's `-r`.
   */
  keyspace: number
  /** @default '' */
  prefix?: string
  /** Seconds to live of every value written; undefined = the cluster's default TTL. */
  ttl?: number
  /** Hard stop, whatever is left of `requests`. @default 60 */
  maxSeconds?: number
  /** Called about every 200 ms with the requests done so far. */
  onProgress?: (done: number, elapsedMs: number) => void
  /** Collects every key the test wrote, for a clean-up afterwards. */
  written?: Set<string>
}

/** Requests that failed with one error code: how many, and the message of the first. */
export interface FailureReason {
  code: string
  count: number
  message: string
}

export interface LoadTestResult {
  test: LoadTestName
  requests: number
  errors: number
  seconds: number
  opsPerSec: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
  concurrency: number
  pipeline: number
  valueBytes: number
  /** Reads that found a value, of the reads that succeeded (get and mixed; absent when none succeeded). */
  hitRatio?: number
  /** Why requests failed, most frequent first (at most FAILURE_CODES_SHOWN codes); empty without errors. */
  failures: FailureReason[]
  /** Processes the load came from. */
  workers: number
  /** CPU time of the load generator (all its processes) per 1,000 requests, ms. */
  cpuMsPer1000: number
  /** The generator's CPU time over what it could have used: wall time x min(workers, cores). */
  cpuLoad: number
  /** cpuLoad >= CPU_BOUND_LOAD: the figures are the generator's limit more than the cluster's. */
  cpuBound: boolean
  /** CPU time of each node per 1,000 requests of the test, ms (from its statistics before and after), when measured. */
  nodes?: NodeCpu[]
}

/** One node's CPU time over a test, per 1,000 requests of that test. */
export interface NodeCpu {
  id: string
  name: string
  cpuMsPer1000: number
}

/**
 * A generator whose CPU time was at least this share of what its processes could use (wall time x min(workers,
 * cores)) was the bottleneck: one process is single-threaded JavaScript, so at 90% of a core it waits for itself.
 */
export const CPU_BOUND_LOAD = 0.9

/** What one process measured over one run: a result is summarized from one or several (one per worker process). */
export interface LoadSamples {
  /** Latency of every finished request, ms. */
  latencies: Float64Array
  errors: number
  /** Reads that succeeded, and those of them that found a value. */
  reads: number
  hits: number
  /** Every failure code, with its count. */
  failures: FailureReason[]
  /** CPU time this process used over the run, ms. */
  cpuMs: number
  /** Wall time of the run. */
  seconds: number
}

/** Key number `index` of a test: `<prefix>key:…` for values, `<prefix>counter:…` for incr. */
export function benchKey (test: LoadTestName, prefix: string, index: number): string {
  // 1e12 + index written out, less its leading 1: the index padded to 12 digits (cheaper than padStart per request)
  const digits = index < 1e12 ? String(1e12 + index).slice(1) : String(index)
  return `${prefix}${test === 'incr' ? 'counter' : 'key'}:${digits}`
}

/**
 * A bounded load in the spirit of redis-benchmark: `concurrency` clients, each sending `pipeline` requests together
 * and waiting for them, until `requests` are done or `maxSeconds` pass. Latency is measured per request (in a
 * pipeline, the pipeline's); failures are counted by code.
 */
export async function runLoadTest (cache: DistributedCache, init: LoadTestInit): Promise<LoadTestResult> {
  const samples = await measureLoad(cache, init)
  return summarizeLoad(init, [samples], samples.seconds)
}

/** runLoadTest's load, measured in this process but not summarized: the part a worker process runs. */
export async function measureLoad (cache: DistributedCache, init: LoadTestInit): Promise<LoadSamples> {
  const value = 'x'.repeat(init.valueBytes)
  const prefix = init.prefix ?? ''
  const putOptions = { ttl: init.ttl }
  const deadline = performance.now() + (init.maxSeconds ?? 60) * 1000
  const latencies = new Float64Array(init.requests)
  const failures = new Map<string, FailureReason>()
  let issued = 0
  let done = 0
  let errors = 0
  let hits = 0
  let reads = 0
  const cpuBefore = process.cpuUsage()
  const started = performance.now()

  const fail = (err: unknown, count = 1): void => {
    errors += count
    const code = err instanceof CacheError ? err.code : err instanceof Error ? err.name : 'Error'
    const reason = failures.get(code)
    if (reason === undefined) failures.set(code, { code, count, message: err instanceof Error ? err.message : String(err) })
    else reason.count += count
  }
  /** A key drawn at random from the keyspace, and whether request number `n` writes (set, every tenth of mixed). */
  const nextKey = (): string => benchKey(init.test, prefix, Math.floor(Math.random() * init.keyspace))
  const writes = (n: number): boolean => init.test === 'set' || (init.test === 'mixed' && n % 10 === 0)

  // -P 1: one request at a time per client, each its own call
  const single = async (): Promise<void> => {
    while (issued < init.requests && performance.now() < deadline) {
      const n = issued++
      const key = nextKey()
      const t0 = performance.now()
      try {
        if (init.test === 'incr') {
          init.written?.add(key)
          await cache.increment(key)
        } else if (writes(n)) {
          init.written?.add(key)
          await cache.put(key, value, putOptions)
        } else {
          const found = await cache.get(key) !== undefined
          reads++
          if (found) hits++
        }
      } catch (err) {
        fail(err)
      }
      latencies[done++] = performance.now() - t0
    }
  }

  // -P N, as redis-benchmark means it: each client sends N requests together (one pipeline) and waits for all of them
  const pipelined = async (): Promise<void> => {
    while (issued < init.requests && performance.now() < deadline) {
      const count = Math.min(init.pipeline, init.requests - issued)
      const pipeline = cache.pipeline()
      const isRead: boolean[] = []
      for (let i = 0; i < count; i++) {
        const n = issued++
        const key = nextKey()
        if (init.test === 'incr') {
          init.written?.add(key)
          pipeline.increment(key)
        } else if (writes(n)) {
          init.written?.add(key)
          pipeline.put(key, value, putOptions)
        } else {
          pipeline.get(key)
        }
        isRead.push(init.test !== 'incr' && !writes(n))
      }
      const t0 = performance.now()
      try {
        const results = await pipeline.exec()
        results.forEach((result, i) => {
          if (!result.ok) fail(result.error)
          else if (isRead[i] === true) {
            reads++
            if (result.value !== undefined) hits++
          }
        })
      } catch (err) {
        fail(err, count)
      }
      const ms = performance.now() - t0
      for (let i = 0; i < count; i++) latencies[done++] = ms
    }
  }

  const progress = init.onProgress === undefined
    ? undefined
    : setInterval(() => init.onProgress?.(done, performance.now() - started), 200)
  try {
    await Promise.all(Array.from({ length: init.concurrency }, init.pipeline === 1 ? single : pipelined))
  } finally {
    if (progress !== undefined) clearInterval(progress)
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return { latencies: latencies.slice(0, done), errors, reads, hits, failures: [...failures.values()], cpuMs: (cpu.user + cpu.system) / 1000, seconds }
}

/**
 * One result from the samples of every process that ran a share of `init`'s load over `seconds` of wall time:
 * percentiles over all their latencies together (exact), counts and CPU time summed.
 */
export function summarizeLoad (init: Pick<LoadTestInit, 'test' | 'concurrency' | 'pipeline' | 'valueBytes'>, samples: LoadSamples[], seconds: number): LoadTestResult {
  const sorted = new Float64Array(samples.reduce((n, s) => n + s.latencies.length, 0))
  let offset = 0
  for (const s of samples) {
    sorted.set(s.latencies, offset)
    offset += s.latencies.length
  }
  sorted.sort()
  const done = sorted.length
  const sum = (f: (s: LoadSamples) => number): number => samples.reduce((a, s) => a + f(s), 0)
  const reads = sum((s) => s.reads)
  const failures = new Map<string, FailureReason>()
  for (const f of samples.flatMap((s) => s.failures)) {
    const seen = failures.get(f.code)
    if (seen === undefined) failures.set(f.code, { ...f })
    else seen.count += f.count
  }
  const cpuMs = sum((s) => s.cpuMs)
  const cpuLoad = seconds > 0 ? cpuMs / (seconds * 1000 * Math.min(samples.length, availableParallelism())) : 0
  const at = (q: number): number => done === 0 ? 0 : round(sorted[Math.min(done - 1, Math.floor(q * done))] as number)
  return {
    test: init.test,
    requests: done,
    errors: sum((s) => s.errors),
    seconds: round(seconds),
    opsPerSec: seconds > 0 ? Math.round(done / seconds) : 0,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: round(done === 0 ? 0 : sorted[done - 1] as number),
    concurrency: init.concurrency,
    pipeline: init.pipeline,
    valueBytes: init.valueBytes,
    ...(reads > 0 ? { hitRatio: round(sum((s) => s.hits) / reads) } : {}),
    failures: [...failures.values()].sort((a, b) => b.count - a.count).slice(0, FAILURE_CODES_SHOWN),
    workers: samples.length,
    cpuMsPer1000: perThousand(cpuMs, done),
    cpuLoad: round(cpuLoad),
    cpuBound: cpuLoad >= CPU_BOUND_LOAD
  }
}

/** Milliseconds of CPU per 1,000 requests (0 without requests). */
export function perThousand (cpuMs: number, requests: number): number {
  return requests === 0 ? 0 : round(cpuMs / requests * 1000)
}

/**
 * Refuses a value size the cluster would refuse, before any load: one write of such a value to the first key of
 * the set test, which the set test may overwrite anyway. Throws the cluster's error (ValueTooLargeError names the limit).
 */
export async function probeValueSize (cache: DistributedCache, init: Pick<LoadTestInit, 'valueBytes' | 'prefix' | 'ttl' | 'written'>): Promise<void> {
  const key = benchKey('set', init.prefix ?? '', 0)
  init.written?.add(key)
  await cache.put(key, 'x'.repeat(init.valueBytes), { ttl: init.ttl })
}

/** Deletes `keys` in batches of `batch`; returns how many existed. */
export async function deleteKeys (cache: DistributedCache, keys: Iterable<string>, batch = 1000): Promise<number> {
  const all = [...keys]
  let existed = 0
  for (let i = 0; i < all.length; i += batch) existed += await cache.delete(...all.slice(i, i + batch))
  return existed
}

function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

export interface BackgroundLoadInit {
  /** Target rate; one tick every 100 ms issues a tenth of it. @default 200 */
  opsPerSecond?: number
  /** Stops by itself after this many operations. @default 1_000_000 */
  maxOps?: number
  /** Stops by itself after this long. @default 3_600_000 (an hour) */
  maxDurationMs?: number
  keyspace?: number
}

/**
 * A light, bounded load (90% gets, 10% puts, a few increments) so a demo cluster's charts move.
 * Errors are counted, not thrown: a node dying under the demo is part of the show. Returns stop().
 */
export function startBackgroundLoad (cache: DistributedCache, init: BackgroundLoadInit = {}): { stop: () => void, stats: () => { ops: number, errors: number } } {
  const perTick = Math.max(1, Math.round((init.opsPerSecond ?? 200) / 10))
  const maxOps = init.maxOps ?? 1_000_000
  const keyspace = init.keyspace ?? 1000
  const endAt = Date.now() + (init.maxDurationMs ?? 3_600_000)
  let ops = 0
  let errors = 0
  const timer = setInterval(() => {
    if (ops >= maxOps || Date.now() >= endAt) {
      clearInterval(timer)
      return
    }
    for (let i = 0; i < perTick; i++, ops++) {
      const key = `demo:${Math.floor(Math.random() * keyspace)}`
      const r = Math.random()
      const op = r < 0.9 ? cache.get(key) : r < 0.98 ? cache.put(key, `value of ${key} at ${new Date().toISOString()}`, { ttl: 600 }) : cache.increment('demo:counter')
      op.catch(() => { errors++ })
    }
  }, 100)
  return { stop: () => { clearInterval(timer) }, stats: () => ({ ops, errors }) }
}
