import { Flags, type Interfaces } from '@oclif/core'
import type { CacheConfigField, CacheConfigInput } from '../config/index.js'
import { CONFIG_FIELD_SPECS, CONFIG_FIELDS, type FieldSpec } from '../config/fields.js'
import { DEFAULT_VALUES } from '../config/resolve-config.js'
import { formatBytes, formatDuration } from '../config/units.js'

/** maxValueBytes -> max-value-bytes */
export function flagName (field: CacheConfigField): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

const PLACEHOLDERS: Partial<Record<FieldSpec<unknown>['kind'], string>> = {
  bytes: '<size>', seconds: '<duration>', milliseconds: '<ms>', integer: '<n>', text: '<text>', multiaddrs: '<multiaddr>'
}

/**
 * One flag per config field, generated from the field table: the name in kebab-case (plus the field's earlier flag
 * names as aliases), its description and default, its help group. Values stay text for loadConfig, which parses and
 * validates them like the same value from the environment or a file, so every field has one error format.
 */
export const CONFIG_FLAGS = Object.fromEntries(CONFIG_FIELDS.map((field) => [flagName(field), configFlag(field, CONFIG_FIELD_SPECS[field])]))

type ConfigFlag = Interfaces.OptionFlag<string | undefined> | Interfaces.OptionFlag<string[] | undefined> | Interfaces.BooleanFlag<boolean | undefined>

function configFlag (field: CacheConfigField, spec: FieldSpec<unknown>): ConfigFlag {
  const shown = defaultText(field, spec)
  // oclif's help does not show aliases, so the description does
  const aliases = spec.flagAliases === undefined ? '' : ` (or ${spec.flagAliases.map((a) => `--${a}`).join(', ')})`
  const common = {
    description: `${spec.description}${aliases}${shown === undefined ? '' : ` [default: ${shown}]`}`,
    helpGroup: spec.group,
    aliases: spec.flagAliases === undefined ? undefined : [...spec.flagAliases]
  }
  if (spec.kind === 'boolean') return Flags.boolean<boolean>({ ...common, allowNo: true })
  if (spec.kind === 'choice') return Flags.string({ ...common, options: [...spec.options ?? []] })
  if (spec.kind === 'multiaddrs') return Flags.string({ ...common, helpValue: PLACEHOLDERS.multiaddrs, multiple: true })
  return Flags.string({ ...common, helpValue: PLACEHOLDERS[spec.kind] })
}

/** The default as a user would write it, or undefined where there is none to show. */
function defaultText (field: CacheConfigField, spec: FieldSpec<unknown>): string | undefined {
  if (field === 'name') return undefined
  const value = DEFAULT_VALUES[field]
  switch (spec.kind) {
    case 'bytes': return formatBytes(value as number)
    case 'seconds': return formatDuration((value as number) * 1000)
    case 'milliseconds': return formatDuration(value as number)
    case 'boolean': return value === true ? 'on' : 'off'
    case 'multiaddrs': return (value as string[]).length === 0 ? undefined : (value as string[]).join(', ')
    default: return String(value)
  }
}

/** The config fields set by flags; unset flags are left out so the environment, a file or the default decides. */
export function configFromFlags (flags: Record<string, unknown>): CacheConfigInput {
  const input: Record<string, unknown> = {}
  for (const field of CONFIG_FIELDS) input[field] = flags[flagName(field)]
  return input as CacheConfigInput
}
