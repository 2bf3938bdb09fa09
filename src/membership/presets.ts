import { ConfigurationError } from '../common/errors.js'
import { CLUSTER_NAME, MEMBERSHIP_PRESET, type MembershipPresetName } from '../config/defaults.js'

/** Every SWIM timing and count, resolved. See SwimInit for what each means. */
export interface SwimTimings {
  probeIntervalMs: number
  probeTimeoutMs: number
  indirectChecks: number
  retransmitMult: number
  suspicionMult: number
  suspicionMaxTimeoutMult: number
  awarenessMax: number
  pushPullIntervalMs: number
  pushPullTimeoutMs: number
  gossipIntervalMs: number
  maxPiggyback: number
}

export interface SwimConfig extends SwimTimings {
  clusterName: string
  preset: MembershipPresetName
}

/** memberlist's DefaultLocalConfig / DefaultLANConfig / DefaultWANConfig (config.go); TCPTimeout -> pushPullTimeoutMs. */
export const SWIM_PRESETS: Readonly<Record<MembershipPresetName, Readonly<SwimTimings>>> = Object.freeze({
  local: Object.freeze({
    probeIntervalMs: 1000,
    probeTimeoutMs: 200,
    indirectChecks: 1,
    retransmitMult: 2,
    suspicionMult: 3,
    suspicionMaxTimeoutMult: 6,
    awarenessMax: 8,
    pushPullIntervalMs: 15_000,
    pushPullTimeoutMs: 1000,
    gossipIntervalMs: 100,
    maxPiggyback: 8
  }),
  lan: Object.freeze({
    probeIntervalMs: 1000,
    probeTimeoutMs: 500,
    indirectChecks: 3,
    retransmitMult: 4,
    suspicionMult: 4,
    suspicionMaxTimeoutMult: 6,
    awarenessMax: 8,
    pushPullIntervalMs: 30_000,
    pushPullTimeoutMs: 10_000,
    gossipIntervalMs: 200,
    maxPiggyback: 8
  }),
  wan: Object.freeze({
    probeIntervalMs: 5000,
    probeTimeoutMs: 3000,
    indirectChecks: 3,
    retransmitMult: 4,
    suspicionMult: 6,
    suspicionMaxTimeoutMult: 6,
    awarenessMax: 8,
    pushPullIntervalMs: 60_000,
    pushPullTimeoutMs: 30_000,
    gossipIntervalMs: 500,
    maxPiggyback: 8
  })
})

/** Fills in `preset <- init` and validates; throws ConfigurationError naming the first bad field. */
export function resolveSwimConfig (init: Partial<SwimConfig> = {}): Readonly<SwimConfig> {
  const preset = init.preset ?? MEMBERSHIP_PRESET
  const base = SWIM_PRESETS[preset]
  if (base === undefined) throw new ConfigurationError(`invalid preset; must be one of ${Object.keys(SWIM_PRESETS).join(', ')}`, 'preset')
  const config: SwimConfig = { ...base, clusterName: CLUSTER_NAME, preset }
  for (const key of Object.keys(config) as Array<keyof SwimConfig>) {
    if (init[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = init[key]
  }
  validate(config)
  return Object.freeze(config)
}

function validate (config: SwimConfig): void {
  const positive: Array<keyof SwimTimings> = ['probeIntervalMs', 'probeTimeoutMs', 'retransmitMult', 'suspicionMult', 'suspicionMaxTimeoutMult', 'awarenessMax', 'pushPullIntervalMs', 'pushPullTimeoutMs', 'gossipIntervalMs']
  for (const field of positive) {
    if (!Number.isFinite(config[field]) || config[field] <= 0) throw new ConfigurationError(`invalid ${field}; must be > 0`, field)
  }
  for (const field of ['indirectChecks', 'maxPiggyback'] as const) {
    if (!Number.isInteger(config[field]) || config[field] < 0) throw new ConfigurationError(`invalid ${field}; must be an integer >= 0`, field)
  }
  if (config.probeTimeoutMs > config.probeIntervalMs) {
    throw new ConfigurationError('invalid probeTimeoutMs; must be <= probeIntervalMs', 'probeTimeoutMs')
  }
  if (config.suspicionMaxTimeoutMult < 1) {
    throw new ConfigurationError('invalid suspicionMaxTimeoutMult; must be >= 1', 'suspicionMaxTimeoutMult')
  }
  if (typeof config.clusterName !== 'string' || config.clusterName === '') {
    throw new ConfigurationError('invalid clusterName; must be a non-empty string', 'clusterName')
  }
}
