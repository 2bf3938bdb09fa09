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
  /** Requests each client keeps in flight. */
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
}

/** Key number `index` of a test: `<prefix>key:…` for values, `<prefix>counter:…` for incr. */
export function benchKey (test: LoadTestName, prefix: string, index: number): string {
  return `${prefix}${test === 'incr' ? 'counter' : 'key'}:${String(index).padStart(12, '0')}`
}

/**
 * A bounded load in the spirit of redis-benchmark: `concurrency` clients, each with `pipeline` requests in flight,
 * until `requests` are done or `maxSeconds` pass. Latency is measured per request; failures are counted by code.
 */
export async function runLoadTest (cache: DistributedCache, init: LoadTestInit): Promise<LoadTestResult> {
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
  const started = performance.now()

  const write = async (key: string): Promise<void> => {
    init.written?.add(key)
    await cache.put(key, value, putOptions)
  }
  const read = async (key: string): Promise<void> => {
    const found = await cache.get(key) !== undefined
    reads++
    if (found) hits++
  }
  const operation = async (key: string, n: number): Promise<void> => {
    switch (init.test) {
      case 'set': return await write(key)
      case 'get': return await read(key)
      case 'mixed': return n % 10 === 0 ? await write(key) : await read(key)
      case 'incr':
        init.written?.add(key)
        await cache.increment(key)
    }
  }

  const worker = async (): Promise<void> => {
    while (issued < init.requests && performance.now() < deadline) {
      const n = issued++
      const key = benchKey(init.test, prefix, Math.floor(Math.random() * init.keyspace))
      const t0 = performance.now()
      try {
        await operation(key, n)
      } catch (err) {
        errors++
        const code = err instanceof CacheError ? err.code : err instanceof Error ? err.name : 'Error'
        const reason = failures.get(code)
        if (reason === undefined) failures.set(code, { code, count: 1, message: err instanceof Error ? err.message : String(err) })
        else reason.count++
      }
      latencies[done++] = performance.now() - t0
    }
  }

  const progress = init.onProgress === undefined
    ? undefined
    : setInterval(() => init.onProgress?.(done, performance.now() - started), 200)
  try {
    await Promise.all(Array.from({ length: init.concurrency * init.pipeline }, worker))
  } finally {
    if (progress !== undefined) clearInterval(progress)
  }
  const seconds = (performance.now() - started) / 1000
  const sorted = latencies.subarray(0, done).sort()
  const at = (q: number): number => sorted.length === 0 ? 0 : round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)
  return {
    test: init.test,
    requests: done,
    errors,
    seconds: round(seconds),
    opsPerSec: Math.round(done / seconds),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: round(sorted.length === 0 ? 0 : sorted[sorted.length - 1] as number),
    concurrency: init.concurrency,
    pipeline: init.pipeline,
    valueBytes: init.valueBytes,
    ...(reads > 0 ? { hitRatio: round(hits / reads) } : {}),
    failures: [...failures.values()].sort((a, b) => b.count - a.count).slice(0, FAILURE_CODES_SHOWN)
  }
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
