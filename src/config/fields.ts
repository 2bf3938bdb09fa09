/**
 * One parser per CacheConfig field: takes what a user wrote (a typed value or text) and returns the field's value,
 * or throws a ConfigurationError naming the field, what it must be, and what it got.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigurationError } from '../common/errors.js'
import type { CacheConfig, CacheConfigField } from './cache-config.js'
import { CONFLICT_RESOLUTIONS, CONSISTENCY_LEVELS, EVICTION_POLICIES, LEVEL_OVERRIDES, MAX_VIRTUAL_NODES, MEMBERSHIP_PRESETS } from './defaults.js'
import { parseBytes, parseMilliseconds, parseSeconds } from './units.js'

type FieldParsers = { [K in CacheConfigField]: (raw: unknown) => CacheConfig[K] }

const MAX_NAME_LENGTH = 128
const CLUSTER_NAME = /^[A-Za-z0-9._-]{1,64}$/
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off'])

/** The error for one field, in the one format every field uses. */
export function invalidField (field: string, expectation: string, raw: unknown): ConfigurationError {
  return new ConfigurationError(`invalid ${field}: ${expectation} (got ${describe(raw)})`, field)
}

function describe (raw: unknown): string {
  if (raw === undefined) return 'undefined'
  if (typeof raw === 'bigint') return `${raw}n`
  return JSON.stringify(raw) ?? String(raw)
}

/** Runs a parser that may throw on bad input, and reports any failure (or a failed check) as the field's error. */
function checked<T> (field: string, expectation: string, parse: (raw: unknown) => T, accept: (value: T) => boolean): (raw: unknown) => T {
  return (raw) => {
    let value: T
    try {
      value = parse(raw)
    } catch {
      throw invalidField(field, expectation, raw)
    }
    if (!accept(value)) throw invalidField(field, expectation, raw)
    return value
  }
}

function asSizeOrDuration (parse: (input: number | string) => number): (raw: unknown) => number {
  return (raw) => {
    if (typeof raw !== 'number' && typeof raw !== 'string') throw new TypeError('not a number or string')
    return parse(raw)
  }
}

function asInteger (raw: unknown): number {
  if (typeof raw === 'number') return raw
  if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) return Number(raw)
  throw new TypeError('not an integer')
}

function oneOf<T extends string> (field: string, choices: readonly T[], normalise: (s: string) => string): (raw: unknown) => T {
  return checked(field, `must be one of ${choices.join(', ')}`,
    (raw) => (typeof raw === 'string' ? normalise(raw.trim()) : raw) as T,
    (value) => choices.includes(value))
}

function asList (raw: unknown): string[] {
  if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return raw.map((s) => s.trim())
  throw new TypeError('not a list of strings')
}

function multiaddrList (field: string, expectation: string, allowEmpty: boolean): (raw: unknown) => string[] {
  return (raw) => {
    const list = checked(field, expectation, asList, (l) => allowEmpty || l.length > 0)(raw)
    for (const address of list) {
      try {
        multiaddr(address)
      } catch {
        throw invalidField(field, `${expectation}; ${JSON.stringify(address)} is not a multiaddr`, raw)
      }
    }
    return list
  }
}

function asBoolean (raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw
  const word = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined
  if (word !== undefined && TRUE_WORDS.has(word)) return true
  if (word !== undefined && FALSE_WORDS.has(word)) return false
  throw new TypeError('not a boolean')
}

function asString (raw: unknown): string {
  if (typeof raw !== 'string') throw new TypeError('not a string')
  return raw.trim()
}

const positiveBytes = (field: string, expectation: string): (raw: unknown) => number =>
  checked(field, expectation, asSizeOrDuration(parseBytes), (n) => n > 0)

export const FIELD_PARSERS: FieldParsers = {
  maxMemory: positiveBytes('maxMemory', 'must be a positive number of bytes'),
  evictionPolicy: oneOf('evictionPolicy', EVICTION_POLICIES, (s) => s.toLowerCase()),
  replicationFactor: checked('replicationFactor', 'must be an integer >= 1', asInteger, (n) => Number.isSafeInteger(n) && n >= 1),
  consistency: oneOf('consistency', CONSISTENCY_LEVELS, (s) => s.toLowerCase()),
  readConsistency: oneOf('readConsistency', LEVEL_OVERRIDES, (s) => s.toLowerCase()),
  writeConsistency: oneOf('writeConsistency', LEVEL_OVERRIDES, (s) => s.toLowerCase()),
  conflictResolution: oneOf('conflictResolution', CONFLICT_RESOLUTIONS, (s) => s.toLowerCase()),
  maxSiblings: checked('maxSiblings', 'must be an integer from 1 to 1000', asInteger, (n) => Number.isInteger(n) && n >= 1 && n <= 1000),
  hintWindow: checked('hintWindow', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0),
  maxHints: checked('maxHints', 'must be an integer >= 0', asInteger, (n) => Number.isSafeInteger(n) && n >= 0),
  tombstoneGrace: checked('tombstoneGrace', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0),
  virtualNodes: checked('virtualNodes', `must be an integer from 1 to ${MAX_VIRTUAL_NODES}`, asInteger,
    (n) => Number.isInteger(n) && n >= 1 && n <= MAX_VIRTUAL_NODES),
  defaultTtl: checked('defaultTtl', 'must be a non-negative duration in seconds (0 = no expiry)', asSizeOrDuration(parseSeconds), () => true),
  healthCheckInterval: checked('healthCheckInterval', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0),
  maxKeyBytes: positiveBytes('maxKeyBytes', 'must be a positive number of bytes'),
  maxValueBytes: positiveBytes('maxValueBytes', 'must be a positive number of bytes'),
  compressionThreshold: checked('compressionThreshold', 'must be a non-negative number of bytes (0 = off)', asSizeOrDuration(parseBytes), () => true),
  listen: multiaddrList('listen', 'must be a non-empty list of multiaddrs', false),
  join: multiaddrList('join', 'must be a list of multiaddrs', true),
  dataDir: checked('dataDir', 'must be a non-empty path', asString, (s) => s.length > 0),
  name: checked('name', `must be a non-empty string of at most ${MAX_NAME_LENGTH} printable characters`, asString,
    (s) => s.length > 0 && s.length <= MAX_NAME_LENGTH && !/\p{Cc}/u.test(s)),
  clusterName: checked('clusterName', "must be 1-64 letters, digits, '.', '_' or '-'", asString, (s) => CLUSTER_NAME.test(s)),
  membershipPreset: oneOf('membershipPreset', MEMBERSHIP_PRESETS, (s) => s.toLowerCase()),
  mdns: checked('mdns', 'must be true or false', asBoolean, () => true),
  lifeguard: checked('lifeguard', 'must be true or false', asBoolean, () => true),
  reapAfter: checked('reapAfter', 'must be a non-negative duration in seconds (0 = never)', asSizeOrDuration(parseSeconds), (s) => s >= 0),
  requestTimeout: checked('requestTimeout', 'must be a positive duration in milliseconds', asSizeOrDuration(parseMilliseconds), (ms) => ms > 0)
}

export const CONFIG_FIELDS = Object.keys(FIELD_PARSERS) as CacheConfigField[]
