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

/**
 * A duration as measured, without decimals it does not have: whole milliseconds (a round trip timed with a
 * millisecond clock) as '65 ms', fractions below 10 ms with one decimal ('0.4 ms', '2.5 ms'), 10 ms and more
 * rounded, a second and more in seconds ('1.2 s'); undefined -> '-'.
 */
export function formatMs (ms: number | undefined): string {
  if (ms === undefined) return '-'
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`
  if (Number.isInteger(ms) || ms >= 10) return `${Math.round(ms)} ms`
  return `${ms.toFixed(1)} ms`
}

/** Local wall-clock time of day, HH:MM:SS. */
export function formatTime (time: number): string {
  const d = new Date(time)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

/** `text` cut to `width` characters, the cut marked with an ellipsis. */
export function truncate (text: string, width: number): string {
  if (text.length <= width) return text
  return width <= 0 ? '' : `${text.slice(0, width - 1)}…`
}

/** The first of `variants` (longest first) that fits `width`, else the last one cut to it. */
export function firstFitting (variants: string[], width: number): string {
  return variants.find((v) => v.length <= width) ?? truncate(variants[variants.length - 1] ?? '', width)
}

/** `text` cut in the middle to `width` characters, so both ends stay readable ('cache-eu-node-3' -> 'cach…ode-3'). */
export function truncateMiddle (text: string, width: number): string {
  if (text.length <= width) return text
  if (width <= 1) return truncate(text, width)
  const tail = Math.floor((width - 1) / 2)
  return `${text.slice(0, width - 1 - tail)}…${tail === 0 ? '' : text.slice(-tail)}`
}

/** '/ip4/127.0.0.1/tcp/7700/p2p/…' -> '127.0.0.1:7700'; undefined for an address of another shape. */
export function hostPort (multiaddr: string): string | undefined {
  const match = /^\/(ip4|ip6|dns|dns4|dns6)\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr)
  if (match === null) return undefined
  return match[1] === 'ip6' ? `[${match[2] as string}]:${match[3] as string}` : `${match[2] as string}:${match[3] as string}`
}

/** A member's state change as an event line shows it: who, and from which state to which. */
export interface MemberChange {
  name: string
  shortId: string
  /** The state before, when known. */
  from?: string
  /** The new state, or a word for what happened ('joined', 'left', 'updated'). */
  to: string
  incarnation: number
}

/**
 * The longest rendering of a member change that fits `width`: with the short id and incarnation when there is
 * room, then without them, then with the name cut in the middle; the state change itself is never cut.
 */
export function formatMemberChange (change: MemberChange, width: number): string {
  const what = change.from === undefined ? change.to : `${change.from}→${change.to}`
  const variants = [
    `${change.name} ${change.shortId} ${what}, inc ${change.incarnation}`,
    `${change.name} ${change.shortId} ${what}`,
    `${change.name} ${what}`
  ]
  const fitting = variants.find((v) => v.length <= width)
  if (fitting !== undefined) return fitting
  return `${truncateMiddle(change.name, Math.max(2, width - what.length - 1))} ${what}`
}

/**
 * Figures as `label value` lines for a panel `width` characters wide and `rows` lines high: one per line, values
 * aligned, when they all fit; otherwise two to a line (the second right-aligned) wherever two fit, in order.
 * A figure is never cut: one that does not fit whole is left out, as are those past the last row.
 */
export function packFigures (figures: Array<[string, string]>, width: number, rows: number): string[] {
  const labelWidth = Math.max(0, ...figures.map(([label]) => label.length))
  const aligned = figures.map(([label, value]) => `${label.padEnd(labelWidth)} ${value}`)
  if (figures.length <= rows && aligned.every((l) => l.length <= width)) return aligned
  const cells = figures.map(([label, value]) => `${label} ${value}`).filter((c) => c.length <= width)
  const lines: string[] = []
  for (let i = 0; i < cells.length && lines.length < rows; i++) {
    const left = cells[i] as string
    const right = cells[i + 1]
    if (right !== undefined && left.length + right.length + 2 <= width) {
      lines.push(`${left}${' '.repeat(width - left.length - right.length)}${right}`)
      i++
    } else {
      lines.push(left)
    }
  }
  return lines
}

/** One entry of a chart's legend: the line's colour, its name and its latest value. */
export interface LegendItem {
  name: string
  value: string
  color: string
}

/**
 * A chart's label: its title (with the unit of its y axis) and a legend, a coloured line mark before each series'
 * name and latest value, spaced out when there is room; at most `width` characters of text (blessed tags aside).
 */
export function chartLabel (title: string, items: LegendItem[], width: number): string {
  const plain = (gap: string, mark: string): string => [` ${title}`, ...items.map((i) => `${mark}${i.name} ${i.value}`)].join(gap) + ' '
  for (const [gap, mark] of [['  ', '━ '], [' ', '━ '], [' ', '━']] as const) {
    if (plain(gap, mark).length <= width) {
      return [` ${title}`, ...items.map((i) => `{${i.color}-fg}${mark}${i.name} ${i.value}{/}`)].join(gap) + ' '
    }
  }
  return ` ${truncate(title, Math.max(1, width - 2))} `
}

/** A one-line preview of a cached value: strings quoted, bytes as hex, the rest as JSON; cut to `max` characters. */
export function previewValue (value: unknown, max: number): string {
  let text: string
  if (value === undefined) text = '(miss)'
  else if (typeof value === 'string') text = JSON.stringify(value)
  else if (value instanceof Uint8Array) text = `<${value.length} bytes> ${Buffer.from(value.subarray(0, 32)).toString('hex')}`
  else if (typeof value === 'bigint') text = `${value}n`
  else text = JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v) ?? String(value)
  return truncate(text, max)
}
