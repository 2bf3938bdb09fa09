/**
 * Human sizes and durations, as an operator writes them in a file, a flag or an environment variable.
 * Sizes follow Redis's config convention: k, m, g are powers of 1000; kb, mb, gb (and kib, mib, gib) powers of 1024.
 */
import { ConfigurationError } from '../common/errors.js'

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1024 ** 4,
  tib: 1024 ** 4
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/

/** Bytes from a number or a string such as '512mb', '1gb', '64k', '1048576'. The result must be a whole number. */
export function parseBytes (input: number | string): number {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return input
    throw new ConfigurationError(`invalid size ${String(input)}: must be a whole, non-negative number of bytes`)
  }
  const match = SIZE.exec(String(input).trim().toLowerCase())
  const unit = match === null ? undefined : SIZE_UNITS[match[2] as string]
  if (match === null || unit === undefined) {
    throw new ConfigurationError(`invalid size ${JSON.stringify(input)}: expected a number with an optional unit (b, k, kb, m, mb, g, gb, t, tb)`)
  }
  const bytes = Number(match[1]) * unit
  if (!Number.isSafeInteger(bytes)) throw new ConfigurationError(`invalid size ${JSON.stringify(input)}: is not a whole number of bytes`)
  return bytes
}

/** Seconds from a number of seconds or a string such as '10s', '5m', '1h', '500ms', '1h30m', '30' (seconds). */
export function parseSeconds (input: number | string): number {
  return parseDurationMs(input, 1000) / 1000
}

/** Milliseconds from a number of milliseconds or a string such as '5s', '250ms', '5000' (milliseconds). */
export function parseMilliseconds (input: number | string): number {
  return parseDurationMs(input, 1)
}

function parseDurationMs (input: number | string, bareUnitMs: number): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return input * bareUnitMs
    throw new ConfigurationError(`invalid duration ${String(input)}: must be a finite, non-negative number`)
  }
  const text = String(input).trim().toLowerCase()
  if (PLAIN_NUMBER.test(text)) return Number(text) * bareUnitMs
  let total = 0
  let consumed = 0
  DURATION_PART.lastIndex = 0
  for (let part = DURATION_PART.exec(text); part !== null; part = DURATION_PART.exec(text)) {
    total += Number(part[1]) * (DURATION_UNITS_MS[part[2] as string] as number)
    consumed = DURATION_PART.lastIndex
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new ConfigurationError(`invalid duration ${JSON.stringify(input)}: expected a number with a unit (ms, s, m, h, d), e.g. '10s' or '1h30m'`)
  }
  return total
}

/** '1gb', '64kb', '1000': the largest binary unit that divides `bytes` exactly, as parseBytes reads it back. */
export function formatBytes (bytes: number): string {
  for (const unit of ['tb', 'gb', 'mb', 'kb']) {
    const size = SIZE_UNITS[unit] as number
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`
  }
  return String(bytes)
}

/** '1h', '10m', '1500ms': the largest unit that divides `ms` exactly, as parseSeconds and parseMilliseconds read it back. */
export function formatDuration (ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = DURATION_UNITS_MS[unit] as number
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`
  }
  return ms === 0 ? '0' : `${ms}ms`
}
