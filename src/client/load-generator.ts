import type { DistributedCache } from './distributed-cache.js'

export const LOAD_TESTS = ['set', 'get', 'mixed', 'incr'] as const
export type LoadTestName = typeof LOAD_TESTS[number]

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
  /** Keys are key:000000000000 .. key:<keyspace-1>, drawn at random. */
  keyspace: number
  /** Hard stop, whatever is left of `requests`. @default 60 */
  maxSeconds?: number
  /** Called about every 200 ms with the requests done so far. */
  onProgress?: (done: number, elapsedMs: number) => void
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
}

/**
 * A bounded load in the spirit of redis-benchmark: `concurrency` clients, each with `pipeline` requests in flight,
 * until `requests` are done or `maxSeconds` pass. Latency is measured per request.
 */
export async function runLoadTest (cache: DistributedCache, init: LoadTestInit): Promise<LoadTestResult> {
  const value = 'x'.repeat(init.valueBytes)
  const deadline = performance.now() + (init.maxSeconds ?? 60) * 1000
  const latencies = new Float64Array(init.requests)
  let issued = 0
  let done = 0
  let errors = 0
  const started = performance.now()

  const operation = (key: string, n: number): Promise<unknown> => {
    switch (init.test) {
      case 'set': return cache.put(key, value)
      case 'get': return cache.get(key)
      case 'incr': return cache.increment(key)
      case 'mixed': return n % 10 === 0 ? cache.put(key, value) : cache.get(key)
    }
  }

  const worker = async (): Promise<void> => {
    while (issued < init.requests && performance.now() < deadline) {
      const n = issued++
      const key = `key:${String(Math.floor(Math.random() * init.keyspace)).padStart(12, '0')}`
      const t0 = performance.now()
      try {
        await operation(key, n)
      } catch {
        errors++
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
    valueBytes: init.valueBytes
  }
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
