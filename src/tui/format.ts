/** Short, fixed-width-friendly renderings of the figures the dashboard shows. */

const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T']

/** 1536 -> '1.5K', 1073741824 -> '1.0G'. */
export function formatBytes (bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value.toFixed(value < 10 ? 1 : 0)}${BYTE_UNITS[unit] as string}`
}

/** 12345 -> '12.3k'; keeps small rates readable ('0.5'). */
export function formatCount (n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`
  if (n >= 100 || Number.isInteger(n)) return String(Math.round(n))
  return n.toFixed(1)
}

/** 0.973 -> '97.3%'; undefined (nothing to measure yet) -> '-'. */
export function formatPercent (ratio: number | undefined): string {
  return ratio === undefined ? '-' : `${(100 * ratio).toFixed(1)}%`
}

export function formatMs (ms: number | undefined): string {
  if (ms === undefined) return '-'
  return ms >= 100 ? `${Math.round(ms)}ms` : `${ms.toFixed(1)}ms`
}

/** Local wall-clock time of day, HH:MM:SS. */
export function formatTime (time: number): string {
  const d = new Date(time)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

/** A one-line preview of a cached value: strings quoted, bytes as hex, the rest as JSON; cut to `max` characters. */
export function previewValue (value: unknown, max: number): string {
  let text: string
  if (value === undefined) text = '(miss)'
  else if (typeof value === 'string') text = JSON.stringify(value)
  else if (value instanceof Uint8Array) text = `<${value.length} bytes> ${Buffer.from(value.subarray(0, 32)).toString('hex')}`
  else if (typeof value === 'bigint') text = `${value}n`
  else text = JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v) ?? String(value)
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text
}
