import { InvalidKeyError, ProtocolError } from '../common/errors.js'
import { CONSISTENCY_LEVELS } from '../config/index.js'
import { MAX_BATCH_OPS, type CacheRequest } from './protocol.js'

type FieldCheck = (value: unknown) => boolean

const isString: FieldCheck = (v) => typeof v === 'string'
const isBytes: FieldCheck = (v) => v instanceof Uint8Array
const isNumber: FieldCheck = (v) => typeof v === 'number' && Number.isFinite(v)
/** A counter step: a number (the engine refuses non-integers with NotAnIntegerError) or a bigint, never coerced. */
const isDelta: FieldCheck = (v) => typeof v === 'bigint' || isNumber(v)
const optional = (check: FieldCheck): FieldCheck => (v) => v === undefined || v === null || check(v)
const isStringList: FieldCheck = (v) => Array.isArray(v) && v.every(isString)
const isLevel: FieldCheck = (v) => typeof v === 'string' && (CONSISTENCY_LEVELS as readonly string[]).includes(v)
const isTime: FieldCheck = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0
const isTimes: FieldCheck = (v) => isTime(v) || (Array.isArray(v) && v.every(isTime))
const isVector: FieldCheck = (v) => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && isTime(e[0]) && isTime(e[1]))
const isEntryList: FieldCheck = (v) => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && isString(e[0]) && isBytes(e[1]))

/** Options any operation may carry (ignored where they mean nothing). */
const OPTIONS: Record<string, FieldCheck> = { consistency: optional(isLevel), minTs: optional(isTimes), hops: optional(isNumber) }

// The fields each operation needs, and their shape. Keys get their own error class: a bad key is the caller's input.
const SHAPES: Record<string, Record<string, FieldCheck>> = {
  get: { key: isString, siblings: optional((v) => typeof v === 'boolean') },
  put: { key: isString, value: isBytes, ttl: optional(isNumber), context: optional(isVector) },
  delete: { keys: isStringList },
  exists: { key: isString },
  clear: {},
  mget: { keys: isStringList },
  mput: { entries: isEntryList, ttl: optional(isNumber) },
  incr: { key: isString, delta: isDelta },
  getset: { key: isString, value: isBytes, ttl: optional(isNumber) },
  touch: { key: isString, ttl: isNumber },
  ttl: { key: isString },
  stats: {},
  cluster: {},
  addNode: { address: isString },
  removeNode: { id: isString },
  events: { since: optional(isNumber) },
  forgetNode: { id: isString },
  // each request of a batch is checked on its own when it is served
  batch: { ops: (v) => Array.isArray(v) && v.length <= MAX_BATCH_OPS }
}

/** Each operation's field checks, its own and the options, as one list (built once: this runs on every request). */
const CHECKS = new Map(Object.entries(SHAPES).map(([op, shape]) => [op, [...Object.entries(shape), ...Object.entries(OPTIONS)]]))

/** Checks a decoded request's shape before anything acts on it; throws ProtocolError or InvalidKeyError naming the field. */
export function validateRequest (req: unknown): CacheRequest {
  if (req === null || typeof req !== 'object') throw new ProtocolError('request must be a map with an "op" field')
  const op = (req as { op?: unknown }).op
  const checks = typeof op === 'string' ? CHECKS.get(op) : undefined
  if (checks === undefined) throw new ProtocolError(`unknown operation "${String(op)}"`)
  for (const [field, check] of checks) {
    const value = (req as Record<string, unknown>)[field]
    if (check(value)) continue
    if (field === 'key' || field === 'keys') throw new InvalidKeyError(`${op}: ${field} must be ${field === 'key' ? 'a string' : 'a list of strings'}`)
    throw new ProtocolError(`${op}: invalid or missing field "${field}"`)
  }
  return req as CacheRequest
}
