// Engine benchmark: LocalCache under each eviction policy against lru-cache@11, in the same run.
//
// Working set: 1M keys of 16 bytes, 100-byte values (a 98-character string, msgpack-encoded to exactly 100 bytes).
// Each implementation runs in a child process of its own (--expose-gc): heaps and JIT feedback do not mix, and bytes
// per entry are measured after a full GC. Children run one after another, interleaved (lru-cache, LocalCache lru,
// lru+meta, the other policies, then lru+meta, LocalCache lru and lru-cache again in reverse), so that each row compared
// with lru-cache in the acceptance checks is measured at both ends of the run, as often as lru-cache itself, and a burst
// of load from other processes hits them all. Within a child every phase is ROUNDS short rounds; a figure is the best
// round of all its children (noise from a shared machine only ever slows a round down).
//
// What "get" and "set" mean here. lru-cache keeps a ready JS value, so its get is a Map lookup and nothing else.
// LocalCache keeps msgpack bytes, and offers two paths:
//   raw   getEncoded / putEncoded: the bytes a cluster node serves and receives (src/node/cache-node.ts);
//   typed get / put: decode on every read and encode on every write, as a library user calls them.
// Both are compared with the same lru-cache figure. lru-cache runs with `max` only (no ttl, no size accounting);
// LocalCache runs with defaultTtl 3600 s, statistics and memory accounting on, as on a node.
// The row `lru+meta` is LocalCache lru as replication drives it: every entry carries META_BYTES of opaque metadata,
// written with putEntry (absolute expiry in an hour) and read with getEntry (which copies value and metadata out).
//
// Usage: node --import tsx bench/engine.ts [--keys N] [--ops N]   (prints a table, then one JSON line)
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { LRUCache } from 'lru-cache'
import { EVICTION_POLICIES, type EvictionPolicyName } from '../src/config/defaults.js'
import { LocalCache } from '../src/store/index.js'

const DEFAULT_KEYS = 1_000_000
/** Operations per timed round. */
const DEFAULT_OPS = 200_000
const ROUNDS = 3
/** Encoded value size: msgpack str8 header (2 bytes) + 98 ASCII characters. */
const VALUE_BYTES = 100
const STRING_CHARS = VALUE_BYTES - 2
const CHILD_TIMEOUT_MS = 120_000
const REFERENCE = 'lru-cache'
/** The replication variant: LocalCache lru through putEntry/getEntry with this much metadata per entry. */
const META_VARIANT = 'lru+meta'
const META_BYTES = 24

interface Figures {
  /** Filling the empty cache with `keys` new entries (one round). */
  fillOpsPerSec: number
  getOpsPerSec: number
  setOpsPerSec: number
  /** Inserts of new keys into a full cache: each one evicts one entry. */
  setEvictOpsPerSec: number
  /** 90 % get, 10 % set. */
  mixedOpsPerSec: number
  /** get / put through the typed API (LocalCache only). */
  typedGetOpsPerSec?: number
  typedSetOpsPerSec?: number
  /** Heap + ArrayBuffer growth after a full GC, divided by the number of entries. */
  bytesPerEntryMeasured: number
  /** The engine's own accounting (LocalCache only). */
  bytesPerEntryAccounted?: number
}

/** The operations of every phase. `insert`/`get` are the raw paths; values are msgpack bytes for both. */
interface Subject {
  insert(key: string, value: Uint8Array): void
  get(key: string): unknown
  typedInsert?: (key: string, value: string) => void
  typedGet?: (key: string) => unknown
  accountedBytes?: () => number
}

/**
 * Both caches are capped at exactly `keys` entries from the start, so filling and overwriting never evict and each
 * new key in the last phase evicts exactly one entry. LocalCache's cap is `keys` times one entry's charge, read
 * from a probe cache holding a single entry.
 */
function makeSubject (impl: string, keys: number, sample: Uint8Array): Subject {
  if (impl === REFERENCE) {
    const cache = new LRUCache<string, Uint8Array>({ max: keys })
    return { insert: (key, value) => { cache.set(key, value) }, get: (key) => cache.get(key) }
  }
  const policy = impl === META_VARIANT ? 'lru' : impl as EvictionPolicyName
  const probe = new LocalCache({ evictionPolicy: policy, defaultTtl: 3600 })
  if (impl === META_VARIANT) {
    const opts = { meta: new Uint8Array(META_BYTES).fill(7), expiresAt: Date.now() + 3600_000 }
    probe.putEntry(keyOf(0), sample, opts)
    const cache = new LocalCache({ evictionPolicy: policy, defaultTtl: 3600, maxMemory: keys * probe.stats().memoryUsedBytes })
    return {
      insert: (key, value) => { cache.putEntry(key, value, opts) },
      get: (key) => cache.getEntry(key),
      accountedBytes: () => cache.stats().memoryUsedBytes
    }
  }
  probe.putEncoded(keyOf(0), sample)
  const cache = new LocalCache({ evictionPolicy: policy, defaultTtl: 3600, maxMemory: keys * probe.stats().memoryUsedBytes })
  return {
    insert: (key, value) => { cache.putEncoded(key, value) },
    get: (key) => cache.getEncoded(key),
    typedInsert: (key, value) => { cache.put(key, value) },
    typedGet: (key) => cache.get(key),
    accountedBytes: () => cache.stats().memoryUsedBytes
  }
}

const keyOf = (i: number): string => 'key:' + String(i).padStart(12, '0')

/** A 98-character ASCII string that differs with `seed`. */
function stringValue (seed: number): string {
  return (seed.toString(36) + '.').repeat(STRING_CHARS).slice(0, STRING_CHARS)
}

/** `text` msgpack-encoded as str8 into `out` (at least VALUE_BYTES long). */
function encodeStringInto (text: string, out: Uint8Array): Uint8Array {
  out[0] = 0xd9
  out[1] = text.length
  for (let i = 0; i < text.length; i++) out[2 + i] = text.charCodeAt(i)
  return out
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

/** Best of ROUNDS rounds of `ops` operations; `run(round)` does one round. */
function bestOpsPerSec (ops: number, run: (round: number) => void): number {
  collectGarbage() // each phase starts from a settled heap, not with the previous phase's garbage
  let best = 0
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now()
    run(round)
    best = Math.max(best, ops / ((performance.now() - start) / 1000))
  }
  return Math.round(best)
}

function collectGarbage (): void {
  (globalThis as { gc?: () => void }).gc?.()
}

function heapBytes (): number {
  collectGarbage()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function runChild (impl: string, keys: number, ops: number): Figures {
  const strings = Array.from({ length: 1024 }, (_, i) => stringValue(i))
  const encoded = strings.map((s) => encodeStringInto(s, new Uint8Array(VALUE_BYTES)))
  const subject = makeSubject(impl, keys, encoded[0])

  // Fill with a fresh key string and value per entry, as requests arriving from the network would bring them, so the
  // measured bytes include the key strings. Values are pooled Buffers, so that lru-cache pays no ArrayBuffer per value
  // (FACTS.md section 8).
  const before = heapBytes()
  const fillStart = performance.now()
  for (let i = 0; i < keys; i++) subject.insert(keyOf(i), encodeStringInto(strings[i & 1023], Buffer.allocUnsafe(VALUE_BYTES)))
  const fillOpsPerSec = Math.round(keys / ((performance.now() - fillStart) / 1000))
  const bytesPerEntryMeasured = Math.round((heapBytes() - before) / keys)
  const bytesPerEntryAccounted = subject.accountedBytes === undefined ? undefined : Math.round(subject.accountedBytes() / keys)

  // Lookups use other string objects with the same text, as decoded requests would.
  const keyList = Array.from({ length: keys }, (_, i) => keyOf(i))
  const order = randomIndexes(ops * ROUNDS, keys, 0x9e3779b9)

  /** Every key read is present, so any miss means the bench itself is wrong. */
  let misses = 0
  const getOpsPerSec = bestOpsPerSec(ops, (round) => {
    for (let i = round * ops, end = i + ops; i < end; i++) if (subject.get(keyList[order[i]]) === undefined) misses++
  })
  const setOpsPerSec = bestOpsPerSec(ops, (round) => {
    for (let i = round * ops, end = i + ops; i < end; i++) subject.insert(keyList[order[i]], encoded[i & 1023])
  })
  const mixedOpsPerSec = bestOpsPerSec(ops, (round) => {
    for (let i = round * ops, end = i + ops; i < end; i++) {
      const key = keyList[order[i]]
      if (i % 10 === 0) subject.insert(key, encoded[i & 1023])
      else if (subject.get(key) === undefined) misses++
    }
  })
  const { typedGet, typedInsert } = subject
  const typedGetOpsPerSec = typedGet === undefined ? undefined : bestOpsPerSec(ops, (round) => {
    for (let i = round * ops, end = i + ops; i < end; i++) if (typedGet(keyList[order[i]]) === undefined) misses++
  })
  const typedSetOpsPerSec = typedInsert === undefined ? undefined : bestOpsPerSec(ops, (round) => {
    for (let i = round * ops, end = i + ops; i < end; i++) typedInsert(keyList[order[i]], strings[i & 1023])
  })
  let nextNewKey = keys
  const setEvictOpsPerSec = bestOpsPerSec(ops, () => {
    for (let i = 0; i < ops; i++) subject.insert(keyOf(nextNewKey++), encoded[i & 1023])
  })
  if (misses !== 0) throw new Error(`${impl}: ${misses} misses on keys that were all stored: the bench is broken`)
  return { fillOpsPerSec, getOpsPerSec, setOpsPerSec, setEvictOpsPerSec, mixedOpsPerSec, typedGetOpsPerSec, typedSetOpsPerSec, bytesPerEntryMeasured, bytesPerEntryAccounted }
}

function spawnChild (impl: string, keys: number, ops: number): Figures {
  const script = fileURLToPath(import.meta.url)
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', impl, '--keys', String(keys), '--ops', String(ops)], {
    encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20
  })
  if (child.status !== 0) throw new Error(`${impl} child failed (${child.status ?? child.signal}): ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Figures
}

/** The best of each figure over several runs of one implementation (bytes per entry: the smallest). */
function best (runs: Figures[]): Figures {
  const out = { ...runs[0] }
  for (const run of runs.slice(1)) {
    for (const name of Object.keys(run) as Array<keyof Figures>) {
      const a = out[name]
      const b = run[name]
      if (a === undefined || b === undefined) continue
      out[name] = name.startsWith('bytesPerEntry') ? Math.min(a, b) : Math.max(a, b)
    }
  }
  return out
}

const fmt = (n: number | undefined): string => n === undefined ? '-' : n >= 10_000 ? `${(n / 1e6).toFixed(2)}M` : String(n)
const ratio = (a: number | undefined, b: number): number | undefined => a === undefined ? undefined : Math.round((a / b) * 100) / 100
const argNumber = (args: string[], name: string, fallback: number): number => {
  const at = args.indexOf(name)
  return at >= 0 ? Number(args[at + 1]) : fallback
}

function main (): void {
  const args = process.argv.slice(2)
  const keys = argNumber(args, '--keys', DEFAULT_KEYS)
  const ops = Math.min(argNumber(args, '--ops', DEFAULT_OPS), keys)
  const childArg = args.indexOf('--child')
  if (childArg >= 0) {
    process.stdout.write(JSON.stringify(runChild(args[childArg + 1], keys, ops)) + '\n')
    return
  }
  const startedAt = performance.now()
  const loadBefore = loadavg()[0]
  const others = EVICTION_POLICIES.filter((p) => p !== 'lru')
  const schedule = [REFERENCE, 'lru', META_VARIANT, ...others, META_VARIANT, 'lru', REFERENCE]
  const runs: Record<string, Figures[]> = {}
  for (const impl of schedule) (runs[impl] ??= []).push(spawnChild(impl, keys, ops))
  const lruCache = best(runs[REFERENCE])
  const engine = Object.fromEntries([...EVICTION_POLICIES, META_VARIANT].map((p) => [p, best(runs[p])])) as Record<string, Figures>
  const ratios: Record<string, Record<string, number | undefined>> = {}
  for (const [policy, f] of Object.entries(engine)) {
    ratios[policy] = {
      get: ratio(f.getOpsPerSec, lruCache.getOpsPerSec),
      typedGet: ratio(f.typedGetOpsPerSec, lruCache.getOpsPerSec),
      set: ratio(f.setOpsPerSec, lruCache.setOpsPerSec),
      typedSet: ratio(f.typedSetOpsPerSec, lruCache.setOpsPerSec),
      setEvict: ratio(f.setEvictOpsPerSec, lruCache.setEvictOpsPerSec),
      mixed: ratio(f.mixedOpsPerSec, lruCache.mixedOpsPerSec),
      // < 1 means fewer bytes per entry than lru-cache
      bytesPerEntry: ratio(f.bytesPerEntryMeasured, lruCache.bytesPerEntryMeasured)
    }
  }
  const seconds = Math.round((performance.now() - startedAt) / 1000)
  const load = { before: loadBefore, after: loadavg()[0] }
  const rows = [...Object.entries(engine).map(([p, f]) => [`LocalCache ${p}`, f] as const), [`${REFERENCE}@11`, lruCache] as const]
  const header = ['implementation', 'fill/s', 'get/s', 'typed get/s', 'set/s', 'typed set/s', 'set+evict/s', 'mixed 90/10/s', 'B/entry heap', 'B/entry accounted']
  const table = rows.map(([name, f]) => [name, fmt(f.fillOpsPerSec), fmt(f.getOpsPerSec), fmt(f.typedGetOpsPerSec), fmt(f.setOpsPerSec),
    fmt(f.typedSetOpsPerSec), fmt(f.setEvictOpsPerSec), fmt(f.mixedOpsPerSec), fmt(f.bytesPerEntryMeasured), fmt(f.bytesPerEntryAccounted)])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  process.stdout.write(`${keys} keys x 16 B, ${VALUE_BYTES} B values; LocalCache: defaultTtl 3600 s, stats, memory accounting; ` +
    `best of ${ROUNDS} rounds x ${ops} ops per child; children ${schedule.join(', ')}; ${seconds} s; load ${load.before.toFixed(1)} -> ${load.after.toFixed(1)}\n`)
  process.stdout.write([line(header), ...table.map(line)].join('\n') + '\n')
  const plain = engine.lru
  const withMeta = engine[META_VARIANT]
  const metaCost = {
    metaBytes: META_BYTES,
    bytesPerEntryMeasured: { without: plain.bytesPerEntryMeasured, with: withMeta.bytesPerEntryMeasured },
    bytesPerEntryAccounted: { without: plain.bytesPerEntryAccounted, with: withMeta.bytesPerEntryAccounted }
  }
  process.stdout.write(`${META_BYTES} B of metadata per entry: ${plain.bytesPerEntryMeasured} -> ${withMeta.bytesPerEntryMeasured} B/entry heap, ` +
    `${fmt(plain.bytesPerEntryAccounted)} -> ${fmt(withMeta.bytesPerEntryAccounted)} B/entry accounted\n`)
  process.stdout.write(JSON.stringify({ keys, ops, rounds: ROUNDS, schedule, seconds, load, engine, lruCache, ratios, metaCost }) + '\n')
}

main()
