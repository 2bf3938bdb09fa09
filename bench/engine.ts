// Engine benchmark: LocalCache under each eviction policy against lru-cache@11, in the same run.
// 1M keys of 16 bytes, 100-byte values. Each implementation runs in its own child process started with
// --expose-gc, so heaps do not mix and bytes per entry can be measured after a full GC.
// Usage: node --import tsx bench/engine.ts [--keys N]   (prints a table, then one JSON line)
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LRUCache } from 'lru-cache'
import { EVICTION_POLICIES } from '../src/config/defaults.js'
import { encodeValue, LocalCache } from '../src/store/index.js'

const VALUE_BYTES = 100
const DEFAULT_KEYS = 1_000_000
/** Timed passes over each read/overwrite phase; the best one is reported (the machine is shared and noisy). */
const PASSES = 3
const CHILD_TIMEOUT_MS = 240_000

interface Figures {
  insertOpsPerSec: number
  getOpsPerSec: number
  setOpsPerSec: number
  setEvictOpsPerSec: number
  mixedOpsPerSec: number
  /** Heap + ArrayBuffer growth after a full GC, divided by the number of entries. */
  bytesPerEntryMeasured: number
  /** The engine's own accounting (LocalCache only). */
  bytesPerEntryAccounted?: number
  /** get through the typed API, which decodes the msgpack value (LocalCache only). */
  typedGetOpsPerSec?: number
}

/** The operations every phase needs, over either implementation. Values are msgpack bytes for both. */
interface Subject {
  insert(key: string, value: Uint8Array): void
  get(key: string): unknown
  /** Makes the next inserts evict one entry each (LocalCache: budget = memory used; lru-cache: max = size). */
  capAtCurrentSize(): void
  accountedBytes?: () => number
  typedGet?: (key: string) => unknown
}

function makeSubject (impl: string, keys: number): Subject {
  if (impl === 'lru-cache') {
    let cache = new LRUCache<string, Uint8Array>({ max: keys * 2 })
    return {
      insert: (key, value) => { cache.set(key, value) },
      get: (key) => cache.get(key),
      capAtCurrentSize: () => {
        const capped = new LRUCache<string, Uint8Array>({ max: cache.size })
        for (const [key, value] of [...cache.entries()].reverse()) capped.set(key, value)
        cache = capped
      }
    }
  }
  // TTL, statistics and memory accounting on, as on a node (defaultTtl 3600 s); budget large enough to fill.
  let cache = new LocalCache({ evictionPolicy: impl as typeof EVICTION_POLICIES[number], defaultTtl: 3600, maxMemory: 2 ** 32 })
  return {
    insert: (key, value) => { cache.putEncoded(key, value) },
    get: (key) => cache.getEncoded(key),
    capAtCurrentSize: () => {
      const capped = new LocalCache({ evictionPolicy: cache.policy.name as typeof EVICTION_POLICIES[number], defaultTtl: 3600, maxMemory: cache.stats().memoryUsedBytes })
      for (const key of cache.keys()) capped.putEncoded(key, cache.getEncoded(key) as Uint8Array)
      cache = capped
    },
    accountedBytes: () => cache.stats().memoryUsedBytes,
    typedGet: (key) => cache.get(key)
  }
}

/** xorshift32 order of key indexes, fixed seed. */
function randomIndexes (count: number, range: number, seed: number): Uint32Array {
  const out = new Uint32Array(count)
  let x = seed
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = (x >>> 0) % range
  }
  return out
}

const keyOf = (i: number): string => 'key:' + String(i).padStart(12, '0')

/** Distinct msgpack-encoded 100-byte values, recycled: the bench measures the cache, not value creation. */
function valuePool (size: number): Uint8Array[] {
  return Array.from({ length: size }, (_, i) => {
    const raw = new Uint8Array(VALUE_BYTES).fill(i & 0xff)
    return new Uint8Array(encodeValue(raw))
  })
}

function opsPerSec (count: number, run: () => void): number {
  let best = 0
  for (let pass = 0; pass < PASSES; pass++) {
    const start = performance.now()
    run()
    best = Math.max(best, count / ((performance.now() - start) / 1000))
  }
  return Math.round(best)
}

function heapBytes (): number {
  (globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function runChild (impl: string, keys: number): Figures {
  const subject = makeSubject(impl, keys)
  const before = heapBytes()
  // Fill with one fresh value per key for both, as values arriving from the network would be.
  const insertStart = performance.now()
  for (let i = 0; i < keys; i++) {
    const value = Buffer.allocUnsafe(VALUE_BYTES + 2) // pooled: no ArrayBuffer per value, as FACTS.md section 8 measured
    value[0] = 0xc4; value[1] = VALUE_BYTES; value[2] = i & 0xff
    subject.insert(keyOf(i), value)
  }
  const insertOpsPerSec = Math.round(keys / ((performance.now() - insertStart) / 1000))
  const bytesPerEntryMeasured = Math.round((heapBytes() - before) / keys)
  const bytesPerEntryAccounted = subject.accountedBytes === undefined ? undefined : Math.round(subject.accountedBytes() / keys)

  const keyList = Array.from({ length: keys }, (_, i) => keyOf(i))
  const order = randomIndexes(keys, keys, 0x9e3779b9)
  const values = valuePool(1024)
  let sink = 0
  const getOpsPerSec = opsPerSec(keys, () => {
    for (let i = 0; i < keys; i++) if (subject.get(keyList[order[i]]) !== undefined) sink++
  })
  const typedGet = subject.typedGet
  const typedGetOpsPerSec = typedGet === undefined ? undefined : opsPerSec(keys, () => {
    for (let i = 0; i < keys; i++) if (typedGet(keyList[order[i]]) !== undefined) sink++
  })
  const setOpsPerSec = opsPerSec(keys, () => {
    for (let i = 0; i < keys; i++) subject.insert(keyList[order[i]], values[i & 1023])
  })
  const mixedOpsPerSec = opsPerSec(keys, () => {
    for (let i = 0; i < keys; i++) {
      const key = keyList[order[i]]
      if (i % 10 === 0) subject.insert(key, values[i & 1023])
      else if (subject.get(key) !== undefined) sink++
    }
  })
  subject.capAtCurrentSize()
  const evictions = Math.floor(keys / 2)
  const newKeys = Array.from({ length: evictions * PASSES }, (_, i) => keyOf(keys + i))
  let next = 0
  const setEvictOpsPerSec = opsPerSec(evictions, () => {
    for (let i = 0; i < evictions; i++) subject.insert(newKeys[next++], values[i & 1023])
  })
  if (sink === 0) throw new Error('no hits: the bench is broken')
  return { insertOpsPerSec, getOpsPerSec, setOpsPerSec, setEvictOpsPerSec, mixedOpsPerSec, bytesPerEntryMeasured, bytesPerEntryAccounted, typedGetOpsPerSec }
}

function spawnChild (impl: string, keys: number): Figures {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', impl, '--keys', String(keys)], {
    encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20
  })
  if (child.status !== 0) throw new Error(`${impl} child failed (${child.status ?? child.signal}): ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Figures
}

const fmt = (n: number | undefined): string => n === undefined ? '-' : n >= 10_000 ? `${(n / 1e6).toFixed(2)}M` : String(n)
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100

function main (): void {
  const args = process.argv.slice(2)
  const keysArg = args.indexOf('--keys')
  const keys = keysArg >= 0 ? Number(args[keysArg + 1]) : DEFAULT_KEYS
  const childArg = args.indexOf('--child')
  if (childArg >= 0) {
    process.stdout.write(JSON.stringify(runChild(args[childArg + 1], keys)) + '\n')
    return
  }
  const engine: Record<string, Figures> = {}
  for (const policy of EVICTION_POLICIES) engine[policy] = spawnChild(policy, keys)
  const lruCache = spawnChild('lru-cache', keys)
  const ratios: Record<string, Record<string, number>> = {}
  for (const [policy, f] of Object.entries(engine)) {
    ratios[policy] = {
      get: ratio(f.getOpsPerSec, lruCache.getOpsPerSec),
      set: ratio(f.setOpsPerSec, lruCache.setOpsPerSec),
      setEvict: ratio(f.setEvictOpsPerSec, lruCache.setEvictOpsPerSec),
      mixed: ratio(f.mixedOpsPerSec, lruCache.mixedOpsPerSec),
      // < 1 means fewer bytes per entry than lru-cache
      bytesPerEntry: ratio(f.bytesPerEntryMeasured, lruCache.bytesPerEntryMeasured)
    }
  }
  const rows = [...Object.entries(engine).map(([p, f]) => [`LocalCache ${p}`, f] as const), ['lru-cache@11', lruCache] as const]
  const header = ['implementation', 'insert/s', 'get/s', 'typed get/s', 'set/s', 'set+evict/s', 'mixed 90/10/s', 'B/entry heap', 'B/entry accounted']
  const table = rows.map(([name, f]) => [name, fmt(f.insertOpsPerSec), fmt(f.getOpsPerSec), fmt(f.typedGetOpsPerSec), fmt(f.setOpsPerSec),
    fmt(f.setEvictOpsPerSec), fmt(f.mixedOpsPerSec), fmt(f.bytesPerEntryMeasured), fmt(f.bytesPerEntryAccounted)])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  process.stdout.write(`${keys} keys x 16 B, ${VALUE_BYTES} B values; LocalCache with defaultTtl 3600 s, stats and memory accounting; best of ${PASSES} passes\n`)
  process.stdout.write([line(header), ...table.map(line)].join('\n') + '\n')
  process.stdout.write(JSON.stringify({ engine, lruCache, ratios }) + '\n')
}

main()
