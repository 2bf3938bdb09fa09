import { CacheError, KeyNotFoundError, errorFromWire, type WireError } from '../common/errors.js'
import { parseDecimalInteger } from '../store/counter.js'
import { EXIT, USAGE_CODE, exitCodeFor } from './exit-codes.js'
import { errorReply, formatValue, numberedLines, toJsonText, wholeMilliseconds, wholeSeconds } from './values.js'
import type { DistributedCache } from '../client/distributed-cache.js'

/** One line's outcome, in input order. */
export type BatchResult = { line: number, ok: true, result: unknown } | { line: number, ok: false, error: WireError }

/** A line the batch cannot run as written (unknown command, wrong arguments, unterminated quote): an input error. */
export class BatchUsageError extends CacheError {
  override readonly code = USAGE_CODE
  constructor (message: string) {
    super(message)
    this.name = 'BatchUsageError'
  }
}

/** MGET's answer: one item per key, a value (undefined for a miss) or the error that key met. */
export class MultiReply {
  constructor (readonly items: Array<{ value: unknown } | { error: WireError }>) {}

  get failed (): WireError | undefined {
    for (const item of this.items) if ('error' in item) return item.error
    return undefined
  }
}

/** Most lines in flight at once: enough to fill the pipeline, bounded so a fast producer cannot flood memory. */
const MAX_IN_FLIGHT = 512

const USAGE: Record<string, string> = {
  GET: 'GET key', SET: 'SET key value [EX seconds]', PUT: 'PUT key value [EX seconds]', DEL: 'DEL key [key ...]',
  EXISTS: 'EXISTS key', INCR: 'INCR key', INCRBY: 'INCRBY key n', DECR: 'DECR key', DECRBY: 'DECRBY key n',
  GETSET: 'GETSET key value', EXPIRE: 'EXPIRE key seconds', TOUCH: 'TOUCH key seconds', TTL: 'TTL key', PTTL: 'PTTL key',
  MGET: 'MGET key [key ...]'
}

/** Splits a line into words; "double quotes" keep spaces, backslash escapes the next character. */
export function tokenize (line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string
    if (ch === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i]
    else if (ch === '"') { quoted = !quoted; word ??= '' }
    else if (/\s/.test(ch) && !quoted) { if (word !== undefined) words.push(word); word = undefined }
    else word = (word ?? '') + ch
  }
  if (quoted) throw new BatchUsageError('unterminated quote')
  if (word !== undefined) words.push(word)
  return words
}

/** Runs one command line against the cache. TTL and PTTL answer as Redis does: -2 for no such key, -1 for no expiry. */
export async function runBatchLine (cache: DistributedCache, words: string[]): Promise<unknown> {
  const [name = '', ...args] = words
  const cmd = name.toUpperCase()
  const usage = USAGE[cmd]
  if (usage === undefined) throw new BatchUsageError(`unknown command "${name}"; known: ${Object.keys(USAGE).join(' ')}`)
  const wrong = (): never => { throw new BatchUsageError(`wrong arguments; usage: ${usage}`) }
  const [key = '', value] = args
  const number = (text: string | undefined): number => {
    const n = Number(text)
    return text === undefined || text === '' || !Number.isFinite(n) ? wrong() : n
  }
  const step = (text: string | undefined): number => parseDecimalInteger(text ?? '') ?? wrong()
  const timeLeft = async (convert: (secondsLeft: number) => number): Promise<number> => {
    try {
      const left = await cache.getTtl(key)
      return left === null ? -1 : convert(left)
    } catch (err) {
      if (err instanceof KeyNotFoundError) return -2
      throw err
    }
  }
  switch (cmd) {
    case 'GET': if (args.length !== 1) wrong(); return await cache.get(key)
    case 'SET': case 'PUT': {
      if (args.length !== 2 && !(args.length === 4 && args[2]?.toUpperCase() === 'EX')) wrong()
      await cache.put(key, value, { ttl: args.length === 4 ? number(args[3]) : undefined })
      return 'OK'
    }
    case 'DEL': if (args.length === 0) wrong(); return await cache.delete(...args)
    case 'EXISTS': if (args.length !== 1) wrong(); return await cache.exists(key)
    case 'INCR': if (args.length !== 1) wrong(); return await cache.increment(key)
    case 'DECR': if (args.length !== 1) wrong(); return await cache.decrement(key)
    case 'INCRBY': if (args.length !== 2) wrong(); return await cache.increment(key, step(value))
    case 'DECRBY': if (args.length !== 2) wrong(); return await cache.decrement(key, step(value))
    case 'GETSET': if (args.length !== 2) wrong(); return await cache.getAndSet(key, value)
    case 'EXPIRE': case 'TOUCH': if (args.length !== 2) wrong(); return await cache.touch(key, number(value))
    case 'TTL': if (args.length !== 1) wrong(); return await timeLeft(wholeSeconds)
    case 'PTTL': if (args.length !== 1) wrong(); return await timeLeft(wholeMilliseconds)
    case 'MGET': {
      if (args.length === 0) wrong()
      return new MultiReply((await cache.getMultiple(args)).map((r) => r.ok ? { value: r.value } : { error: r.error }))
    }
  }
  return wrong()
}

/**
 * Runs every non-empty, non-# line as it arrives (stdin may be a pipe that never ends), with up to MAX_IN_FLIGHT
 * in flight, and hands results to `emit` in input order as soon as each one's predecessors are done. Memory stays
 * bounded: a result is kept only until it is emitted.
 */
export async function runBatch (cache: DistributedCache, lines: AsyncIterable<string> | Iterable<string>, emit: (r: BatchResult) => void): Promise<BatchSummary> {
  const summary: BatchSummary = { ok: 0, failed: 0, exitCode: EXIT.OK }
  const queue: Array<{ result?: BatchResult, done: Promise<void> }> = []
  const flush = (): void => {
    while (queue[0]?.result !== undefined) {
      const result = (queue.shift() as { result: BatchResult }).result
      const error = result.ok ? (result.result instanceof MultiReply ? result.result.failed : undefined) : result.error
      if (error === undefined) {
        summary.ok++
      } else {
        summary.failed++
        summary.exitCode = Math.max(summary.exitCode, exitCodeFor(errorFromWire(error)))
      }
      emit(result)
    }
  }
  // Lines on the same key run in input order (as Redis runs a pipeline); lines on other keys overlap.
  const lastOnKey = new Map<string, Promise<void>>()
  let line = 0
  for await (const raw of lines) {
    line++
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) continue
    const entry: { result?: BatchResult, done: Promise<void> } = { done: Promise.resolve() }
    const keys = keysOf(text)
    const before = keys.flatMap((k) => { const p = lastOnKey.get(k); return p === undefined ? [] : [p] })
    const number = line
    entry.done = Promise.all(before).then(async () => await runLine(cache, number, text)).then((result) => { entry.result = result; flush() })
    for (const key of keys) {
      lastOnKey.set(key, entry.done)
      void entry.done.then(() => { if (lastOnKey.get(key) === entry.done) lastOnKey.delete(key) })
    }
    queue.push(entry)
    if (queue.length >= MAX_IN_FLIGHT) await queue[0]?.done
  }
  await Promise.all(queue.map(async (entry) => { await entry.done }))
  return summary
}

/**
 * Lines that ran and lines that failed (an MGET with a failed key counts as failed), and the exit code: 3 if any
 * line met a cluster failure, else 2 if any line was bad input (usage, invalid key, not an integer, value too
 * large), else 0.
 */
export interface BatchSummary { ok: number, failed: number, exitCode: number }

/** The keys a line touches (every argument of a multi-key command, else the first), for ordering; [] if unparsable. */
function keysOf (text: string): string[] {
  try {
    const [name = '', ...args] = tokenize(text)
    return MULTI_KEY.has(name.toUpperCase()) ? args : args.slice(0, 1)
  } catch {
    return []
  }
}

const MULTI_KEY = new Set(['DEL', 'MGET'])

/** One line's outcome; never rejects. */
async function runLine (cache: DistributedCache, line: number, text: string): Promise<BatchResult> {
  try {
    return { line, ok: true, result: await runBatchLine(cache, tokenize(text)) }
  } catch (err) {
    return { line, ok: false, error: { code: err instanceof CacheError ? err.code : 'ERR', message: (err as Error).message } }
  }
}

/**
 * A result as redis-cli prints it in pipe mode, more or less: values raw, nil, errors prefixed; MGET as numbered
 * lines, one per key (`1) "a"`, `2) (nil)`). With json, one object per line: MGET's result is an array with null for
 * a miss and {error} for a key that failed.
 */
export function formatBatchResult (r: BatchResult, json: boolean): string {
  const multi = r.ok && r.result instanceof MultiReply ? r.result : undefined
  if (json) {
    if (!r.ok) return toJsonText(r)
    const result = multi === undefined ? r.result : multi.items.map((item) => 'error' in item ? item : item.value ?? null)
    return toJsonText({ line: r.line, ok: true, result })
  }
  if (!r.ok) return errorReply(r.error)
  if (multi !== undefined) return numberedLines(multi.items).join('\n')
  if (r.result === undefined || r.result === null) return '(nil)'
  const shown = formatValue(r.result)
  return shown instanceof Uint8Array ? toJsonText(r.result) : shown
}
