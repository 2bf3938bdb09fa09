import { buffer } from 'node:stream/consumers'

/** A CLI value argument: `-` reads stdin as raw bytes (binary safe); anything else is stored as a string. */
export async function readValueArg (arg: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string | Uint8Array> {
  if (arg !== '-') return arg
  return new Uint8Array(await buffer(stdin))
}

/** A value as a person reads it: strings as they are, bytes raw, everything else as JSON. */
export function formatValue (value: unknown): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value
  return toJsonText(value)
}

/** A value as JSON can carry it: bytes become `{ base64 }`, bigints decimal strings. */
export function jsonValue (value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') }
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(jsonValue)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]))
  return value
}

export function toJsonText (value: unknown): string {
  return JSON.stringify(jsonValue(value))
}

/** Prints a value for a person: bytes go to stdout raw (so `get k > file` is binary safe), the rest as a line. */
export function printValue (value: unknown, log: (line: string) => void): void {
  const out = formatValue(value)
  if (out instanceof Uint8Array) process.stdout.write(out)
  else log(out)
}

/**
 * One value as redis-cli shows an element of a reply: strings quoted (JSON escapes), bytes quoted with \xNN for
 * anything but printable ASCII, integers as `(integer) 5`, a miss as `(nil)`, other values as JSON text. So a stored
 * "(nil)" prints as `"(nil)"` and never reads as a miss.
 */
export function quoteValue (value: unknown): string {
  if (value === undefined) return '(nil)'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint' || Number.isInteger(value)) return `(integer) ${String(value)}`
  if (value instanceof Uint8Array) return `"${Array.from(value, quoteByte).join('')}"`
  return toJsonText(value)
}

function quoteByte (byte: number): string {
  if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`
  if (byte === 0x0a) return '\\n'
  if (byte === 0x0d) return '\\r'
  if (byte === 0x09) return '\\t'
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte)
  return `\\x${byte.toString(16).padStart(2, '0')}`
}

/** An error as redis-cli shows one in a reply: `(error) CODE message`. */
export function errorReply (error: { code: string, message: string }): string {
  return `(error) ${error.code} ${error.message}`
}

/** A multi-key answer as redis-cli numbers it: `1) "a"`, `2) (nil)`, `3) (error) CODE message`. */
export function numberedLines (items: ReadonlyArray<{ value: unknown } | { error: { code: string, message: string } }>): string[] {
  return items.map((item, i) => `${i + 1}) ${'error' in item ? errorReply(item.error) : quoteValue(item.value)}`)
}

/** Seconds left as Redis's TTL gives them: whole, rounded half up ((ms + 500) / 1000 in integers). */
export function wholeSeconds (secondsLeft: number): number {
  return Math.floor((wholeMilliseconds(secondsLeft) + 500) / 1000)
}

/** Seconds left as milliseconds, as Redis's PTTL gives them. */
export function wholeMilliseconds (secondsLeft: number): number {
  return Math.round(secondsLeft * 1000)
}
