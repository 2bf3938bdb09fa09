import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigurationError } from '../common/errors.js'
import type { CacheConfig, CacheConfigField, CacheConfigInput } from './cache-config.js'
import { CONFIG_FIELDS } from './fields.js'
import { parseLayer, resolveParsed } from './resolve-config.js'

export const ENV_PREFIX = 'DCACHE_'

export interface LoadConfigOptions {
  /** A .yaml, .yml or .json file whose top level maps field names to values. */
  file?: string
  /** Environment, usually process.env; DCACHE_<FIELD_IN_SCREAMING_SNAKE> per field, lists comma-separated. */
  env?: Record<string, string | undefined>
  /** Command-line flags; undefined values are skipped. */
  flags?: CacheConfigInput
}

/**
 * The one place that reads files and the environment. Precedence: flags > env > file > defaults.
 * Errors name the field and where its value came from.
 */
export function loadConfig (options: LoadConfigOptions = {}): Readonly<CacheConfig> {
  const layers = []
  if (options.file !== undefined) layers.push(parseLayer(readConfigFile(options.file), `file ${options.file}`))
  if (options.env !== undefined) {
    for (const [field, { name, value }] of Object.entries(envEntries(options.env))) {
      layers.push(parseLayer({ [field]: value }, `environment variable ${name}`))
    }
  }
  if (options.flags !== undefined) layers.push(parseLayer(options.flags, 'flags'))
  return resolveParsed(layers)
}

/** maxMemory -> DCACHE_MAX_MEMORY */
export function envVarName (field: CacheConfigField): string {
  return ENV_PREFIX + field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()
}

/** The DCACHE_* variables that are set, by field. Empty values count as unset; other DCACHE_* names are ignored. */
function envEntries (env: Record<string, string | undefined>): Record<string, { name: string, value: string }> {
  const entries: Record<string, { name: string, value: string }> = {}
  for (const field of CONFIG_FIELDS) {
    const name = envVarName(field)
    const value = env[name]
    if (value !== undefined && value.trim() !== '') entries[field] = { name, value }
  }
  return entries
}

function readConfigFile (file: string): Record<string, unknown> {
  const format = extname(file).toLowerCase()
  if (!['.yaml', '.yml', '.json'].includes(format)) {
    throw new ConfigurationError(`unsupported config file ${file}: the name must end in .yaml, .yml or .json`, 'file')
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigurationError(`cannot read config file ${file}: ${(err as Error).message}`, 'file')
  }
  let content: unknown
  try {
    content = format === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigurationError(`cannot parse config file ${file}: ${(err as Error).message}`, 'file')
  }
  if (content === null || content === undefined) return {}
  if (typeof content !== 'object' || Array.isArray(content)) {
    throw new ConfigurationError(`invalid config file ${file}: the top level must be a mapping of field names to values`, 'file')
  }
  return content as Record<string, unknown>
}
