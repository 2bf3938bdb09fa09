import { createHash } from 'node:crypto'
import { homedir, hostname } from 'node:os'
import { join } from 'node:path'
import { ConfigurationError } from '../common/errors.js'
import type { CacheConfig, CacheConfigInput } from './cache-config.js'
import * as DEFAULTS from './defaults.js'
import { CONFIG_FIELD_SPECS, CONFIG_FIELDS, invalidField } from './fields.js'

type Parsed = Partial<CacheConfig>

/** Every field's default but the name's, which is made from dataDir and listen. */
export const DEFAULT_VALUES: Readonly<Omit<CacheConfig, 'name'>> = {
  maxMemory: DEFAULTS.MAX_MEMORY_BYTES,
  evictionPolicy: DEFAULTS.EVICTION_POLICY,
  replicationFactor: DEFAULTS.REPLICATION_FACTOR,
  consistency: DEFAULTS.CONSISTENCY,
  readConsistency: 'default',
  writeConsistency: 'default',
  conflictResolution: DEFAULTS.CONFLICT_RESOLUTION,
  maxSiblings: DEFAULTS.MAX_SIBLINGS,
  hintWindow: DEFAULTS.HINT_WINDOW_S,
  maxHints: DEFAULTS.MAX_HINTS,
  tombstoneGrace: DEFAULTS.TOMBSTONE_GRACE_S,
  virtualNodes: DEFAULTS.VIRTUAL_NODES,
  defaultTtl: DEFAULTS.DEFAULT_TTL_S,
  healthCheckInterval: DEFAULTS.HEALTH_CHECK_INTERVAL_S,
  maxKeyBytes: DEFAULTS.MAX_KEY_BYTES,
  maxValueBytes: DEFAULTS.MAX_VALUE_BYTES,
  compressionThreshold: DEFAULTS.COMPRESSION_THRESHOLD_BYTES,
  listen: [DEFAULTS.LISTEN_ADDRESS],
  join: [...DEFAULTS.JOIN_ADDRESSES],
  dataDir: DEFAULTS.DATA_DIR,
  clusterName: DEFAULTS.CLUSTER_NAME,
  membershipPreset: DEFAULTS.MEMBERSHIP_PRESET,
  mdns: DEFAULTS.MDNS_ENABLED,
  lifeguard: DEFAULTS.LIFEGUARD_ENABLED,
  reapAfter: DEFAULTS.REAP_AFTER_S,
  requestTimeout: DEFAULTS.REQUEST_TIMEOUT_MS,
  logLevel: DEFAULTS.LOG_LEVEL,
  logFormat: DEFAULTS.LOG_FORMAT
}

/**
 * Merges layers in increasing precedence (later layers win) over the defaults, validates every field and the
 * rules between fields, and freezes the result. Undefined values are skipped; unknown keys are an error.
 */
export function resolveConfig (...layers: CacheConfigInput[]): Readonly<CacheConfig> {
  return resolveParsed(layers.map((layer) => parseLayer(layer)))
}

/**
 * Parses one layer. `source` (e.g. 'file x.yaml') is added to error messages so the user knows where to look.
 * For loadConfig; everyone else calls resolveConfig.
 */
export function parseLayer (layer: Record<string, unknown>, source?: string): Parsed {
  const parsed: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(layer)) {
    if (raw === undefined) continue
    if (!Object.hasOwn(CONFIG_FIELD_SPECS, key)) {
      throw new ConfigurationError(`unknown configuration key ${JSON.stringify(key)}${where(source)}; known keys: ${CONFIG_FIELDS.join(', ')}`, key)
    }
    try {
      parsed[key] = (CONFIG_FIELD_SPECS as Record<string, { parse: (raw: unknown) => unknown }>)[key]?.parse(raw)
    } catch (err) {
      if (err instanceof ConfigurationError && source !== undefined) err.message += where(source)
      throw err
    }
  }
  return parsed as Parsed
}

export function resolveParsed (layers: Parsed[]): Readonly<CacheConfig> {
  const given: Parsed = Object.assign({}, ...layers)
  const merged = { ...DEFAULT_VALUES, ...given }
  const dataDir = expandHome(merged.dataDir)
  const config: CacheConfig = { ...merged, ...fittedDefaults(merged, given), dataDir, name: merged.name ?? defaultName(dataDir, merged.listen) }
  checkCrossFieldRules(config)
  Object.freeze(config.listen)
  Object.freeze(config.join)
  return Object.freeze(config)
}

/**
 * Defaults that give way to fields the user set: a default must not make a setting fail that names only other
 * fields (`--max-memory 200kb` gets a value limit that fits; `--hint-window 1h` tombstones that outlive hints).
 * A value the user set is never changed: a conflict between set values is an error naming both fields.
 */
function fittedDefaults (merged: Omit<CacheConfig, 'name'>, given: Parsed): Partial<CacheConfig> {
  const fitted: Partial<CacheConfig> = {}
  if (given.maxValueBytes === undefined && merged.maxKeyBytes + merged.maxValueBytes > merged.maxMemory) {
    if (merged.maxMemory <= merged.maxKeyBytes) {
      throw invalidField('maxMemory', `must be larger than maxKeyBytes (${merged.maxKeyBytes}) to hold a key and a value`, merged.maxMemory)
    }
    fitted.maxValueBytes = merged.maxMemory - merged.maxKeyBytes
  }
  const maxValueBytes = fitted.maxValueBytes ?? merged.maxValueBytes
  if (given.compressionThreshold === undefined && merged.compressionThreshold > maxValueBytes) fitted.compressionThreshold = maxValueBytes
  if (merged.tombstoneGrace <= merged.hintWindow) {
    if (given.tombstoneGrace === undefined) fitted.tombstoneGrace = 2 * merged.hintWindow
    else if (given.hintWindow === undefined) fitted.hintWindow = merged.tombstoneGrace / 2
  }
  return fitted
}

function checkCrossFieldRules (config: CacheConfig): void {
  if (config.maxKeyBytes + config.maxValueBytes > config.maxMemory) {
    throw invalidField('maxValueBytes', `must fit in maxMemory (${config.maxMemory}) together with maxKeyBytes (${config.maxKeyBytes})`, config.maxValueBytes)
  }
  if (config.tombstoneGrace <= config.hintWindow) {
    throw invalidField('tombstoneGrace', `must be longer than hintWindow (${config.hintWindow} s), or a late hint could bring a deleted key back`, config.tombstoneGrace)
  }
  if (config.compressionThreshold > config.maxValueBytes) {
    throw invalidField('compressionThreshold', `must be 0 or at most maxValueBytes (${config.maxValueBytes})`, config.compressionThreshold)
  }
}

function where (source: string | undefined): string {
  return source === undefined ? '' : ` in ${source}`
}

function expandHome (path: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return join(homedir(), path.slice(2))
  return path
}

/** hostname plus 4 hex digits of dataDir and listen: two nodes on one host differ, a restarted node keeps its name. */
function defaultName (dataDir: string, listen: readonly string[]): string {
  const suffix = createHash('sha256').update(`${dataDir}\n${listen.join(',')}`).digest('hex').slice(0, 4)
  return `${hostname()}-${suffix}`
}
