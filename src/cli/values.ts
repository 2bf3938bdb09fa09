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
