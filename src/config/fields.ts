/**
 * The table of CacheConfig fields: per field a parser (takes what a user wrote, a typed value or text, and returns
 * the field's value, or throws a ConfigurationError naming the field, what it must be, and what it got), and what
 * `dcache node start` makes of it: a one-line description, the kind of value, and a help group. The node start
 * flags are generated from this table, the environment variables and config file keys follow the field names.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigurationError } from '../common/errors.js'
import type { CacheConfig, CacheConfigField } from './cache-config.js'
import { CONFLICT_RESOLUTIONS, CONSISTENCY_LEVELS, EVICTION_POLICIES, LEVEL_OVERRIDES, LOG_FORMATS, LOG_LEVELS, MAX_VIRTUAL_NODES, MEMBERSHIP_PRESETS } from './defaults.js'
import { parseBytes, parseMilliseconds, parseSeconds } from './units.js'

/** Sections of `node start --help`. */
export type FieldGroup = 'STORAGE' | 'REPLICATION' | 'NETWORK' | 'MEMBERSHIP' | 'LOGGING'

/** How a field is written as text: decides its flag's type and the placeholder in --help. */
export type FieldKind = 'bytes' | 'seconds' | 'milliseconds' | 'integer' | 'choice' | 'boolean' | 'text' | 'multiaddrs'

export interface FieldSpec<T> {
  /** One line for --help: what the field does, with an example where the format is not obvious. */
  description: string
  group: FieldGroup
  kind: FieldKind
  /** The values a 'choice' field takes. */
  options?: readonly string[]
  /** Earlier flag names of the field that `node start` still accepts. */
  flagAliases?: readonly string[]
  parse: (raw: unknown) => T
}

export type FieldSpecs = { readonly [K in CacheConfigField]: FieldSpec<CacheConfig[K]> }

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

function choice<T extends string> (field: string, options: readonly T[], group: FieldGroup, description: string, flagAliases?: readonly string[]): FieldSpec<T> {
  return { description, group, kind: 'choice', options, flagAliases, parse: oneOf(field, options, (s) => s.toLowerCase()) }
}

function onOff (field: string, group: FieldGroup, description: string): FieldSpec<boolean> {
  return { description, group, kind: 'boolean', parse: checked(field, 'must be true or false', asBoolean, () => true) }
}

export const CONFIG_FIELD_SPECS: FieldSpecs = {
  maxMemory: {
    group: 'STORAGE', kind: 'bytes', description: 'memory budget of the engine (keys, values and overhead), e.g. 512mb, 2gb',
    parse: positiveBytes('maxMemory', 'must be a positive number of bytes')
  },
  evictionPolicy: choice('evictionPolicy', EVICTION_POLICIES, 'STORAGE', 'which entries go first when memory is full', ['eviction']),
  replicationFactor: {
    group: 'REPLICATION', kind: 'integer', description: 'copies of every key (N); every member holds one while there are fewer members',
    parse: checked('replicationFactor', 'must be an integer >= 1', asInteger, (n) => Number.isSafeInteger(n) && n >= 1)
  },
  consistency: choice('consistency', CONSISTENCY_LEVELS, 'REPLICATION', 'replicas a read or write waits for unless it names a level: one, quorum (a majority of N) or all'),
  readConsistency: choice('readConsistency', LEVEL_OVERRIDES, 'REPLICATION', 'level of reads that name none; default = the consistency field'),
  writeConsistency: choice('writeConsistency', LEVEL_OVERRIDES, 'REPLICATION', 'level of writes that name none; default = the consistency field'),
  conflictResolution: choice('conflictResolution', CONFLICT_RESOLUTIONS, 'REPLICATION',
    'concurrent writes to a key: lww keeps the later one, siblings keeps them all for the reader'),
  maxSiblings: {
    group: 'REPLICATION', kind: 'integer', description: 'most concurrent values kept per key under siblings',
    parse: checked('maxSiblings', 'must be an integer from 1 to 1000', asInteger, (n) => Number.isInteger(n) && n >= 1 && n <= 1000)
  },
  hintWindow: {
    group: 'REPLICATION', kind: 'seconds', description: 'how long writes for a member that is down are kept for it (hints), e.g. 10m',
    parse: checked('hintWindow', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0)
  },
  maxHints: {
    group: 'REPLICATION', kind: 'integer', description: 'most hints a member holds at once',
    parse: checked('maxHints', 'must be an integer >= 0', asInteger, (n) => Number.isSafeInteger(n) && n >= 0)
  },
  tombstoneGrace: {
    group: 'REPLICATION', kind: 'seconds', description: 'how long a delete is remembered; longer than the hint window, e.g. 20m',
    parse: checked('tombstoneGrace', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0)
  },
  virtualNodes: {
    group: 'NETWORK', kind: 'integer', description: 'vnodes (tokens) of this member on the hash ring',
    parse: checked('virtualNodes', `must be an integer from 1 to ${MAX_VIRTUAL_NODES}`, asInteger, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_VIRTUAL_NODES)
  },
  defaultTtl: {
    group: 'STORAGE', kind: 'seconds', description: 'time to live of keys written without one, e.g. 3600, 10m; 0 = no expiry',
    parse: checked('defaultTtl', 'must be a non-negative duration in seconds (0 = no expiry)', asSizeOrDuration(parseSeconds), () => true)
  },
  healthCheckInterval: {
    group: 'MEMBERSHIP', kind: 'seconds', description: 'seconds between statistics refreshes (accepted, not used yet)',
    parse: checked('healthCheckInterval', 'must be a positive duration in seconds', asSizeOrDuration(parseSeconds), (s) => s > 0)
  },
  maxKeyBytes: {
    group: 'STORAGE', kind: 'bytes', description: 'longest key in UTF-8 bytes (at most 64kb: the wire gives a key a 16-bit length)',
    parse: checked('maxKeyBytes', 'must be a number of bytes from 1 to 65535', asSizeOrDuration(parseBytes), (n) => n > 0 && n <= 0xffff)
  },
  maxValueBytes: {
    group: 'STORAGE', kind: 'bytes', description: 'largest value, e.g. 64kb; by default 1mb, or what fits in max-memory beside a key',
    parse: positiveBytes('maxValueBytes', 'must be a positive number of bytes')
  },
  compressionThreshold: {
    group: 'STORAGE', kind: 'bytes', description: 'values of at least this size are stored deflated when that saves space; 0 = off',
    parse: checked('compressionThreshold', 'must be a non-negative number of bytes (0 = off)', asSizeOrDuration(parseBytes), () => true)
  },
  listen: {
    group: 'NETWORK', kind: 'multiaddrs', description: 'multiaddr to listen on (repeatable)',
    parse: multiaddrList('listen', 'must be a non-empty list of multiaddrs', false)
  },
  join: {
    group: 'NETWORK', kind: 'multiaddrs', description: 'multiaddr of a member to join through (repeatable)',
    parse: multiaddrList('join', 'must be a list of multiaddrs', true)
  },
  dataDir: {
    group: 'NETWORK', kind: 'text', description: 'directory for the identity key and node.addr',
    parse: checked('dataDir', 'must be a non-empty path', asString, (s) => s.length > 0)
  },
  name: {
    group: 'NETWORK', kind: 'text', description: 'a human name for this member; default: the host name and a short hash of data dir and listen',
    parse: checked('name', `must be a non-empty string of at most ${MAX_NAME_LENGTH} printable characters`, asString,
      (s) => s.length > 0 && s.length <= MAX_NAME_LENGTH && !/\p{Cc}/u.test(s))
  },
  clusterName: {
    group: 'NETWORK', kind: 'text', description: 'cluster name: members of different clusters ignore each other', flagAliases: ['cluster'],
    parse: checked('clusterName', "must be 1-64 letters, digits, '.', '_' or '-'", asString, (s) => CLUSTER_NAME.test(s))
  },
  membershipPreset: choice('membershipPreset', MEMBERSHIP_PRESETS, 'MEMBERSHIP', 'failure-detection timings (memberlist\'s local, LAN or WAN values)', ['preset']),
  mdns: onOff('mdns', 'NETWORK', 'find members on the LAN with multicast DNS'),
  lifeguard: onOff('lifeguard', 'MEMBERSHIP', 'Lifeguard extensions to SWIM (--no-lifeguard for plain SWIM)'),
  reapAfter: {
    group: 'MEMBERSHIP', kind: 'seconds', description: 'how long a dead or left member is kept before it is forgotten, e.g. 24h; 0 = never',
    parse: checked('reapAfter', 'must be a non-negative duration in seconds (0 = never)', asSizeOrDuration(parseSeconds), (s) => s >= 0)
  },
  requestTimeout: {
    group: 'NETWORK', kind: 'milliseconds', description: 'per-request deadline, e.g. 5000 or 5s',
    parse: checked('requestTimeout', 'must be a positive duration in milliseconds', asSizeOrDuration(parseMilliseconds), (ms) => ms > 0)
  },
  logLevel: choice('logLevel', LOG_LEVELS, 'LOGGING', 'least severe lines to print: info shows member and ring changes, debug much more'),
  logFormat: choice('logFormat', LOG_FORMATS, 'LOGGING', 'text lines, or one JSON object per line {ts, level, event, msg, ...}')
}

export const CONFIG_FIELDS = Object.keys(CONFIG_FIELD_SPECS) as CacheConfigField[]
