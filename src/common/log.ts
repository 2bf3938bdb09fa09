/**
 * A node's log for its operator: one line per thing worth knowing (a member event, a ring change, a refused
 * connection), each with a level, an event name and a message, written as text or as one JSON object per line.
 * Layers get a `Log` injected (silentLog when nobody listens); only the CLI decides where lines go.
 */
import { format } from 'node:util'

/** Most to least severe; a log at one level writes that level and the ones before it. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = typeof LOG_FORMATS[number]

/** Extra facts of a line: JSON keys in the json format, left out of the text format (the message says it). */
export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>

export interface LogRecord {
  time: number
  level: LogLevel
  /** A stable name, `noun:verb` like the node's events: `member:join`, `ring:change`, `connection:refused`. */
  event: string
  msg: string
  fields?: LogFields
}

/** A printf-style logger of one component: the slice of @libp2p/logger that membership declares (Logger there). */
export interface ComponentLog {
  (formatter: string, ...args: unknown[]): void
  error(formatter: string, ...args: unknown[]): void
  trace(formatter: string, ...args: unknown[]): void
}

export interface Log {
  /** Whether a line at `level` would be written: skip building a costly message when not. */
  enabled(level: LogLevel): boolean
  write(level: LogLevel, event: string, msg: string, fields?: LogFields): void
  /**
   * The same log for code written against @libp2p/logger's interface (membership's Swim): its plain lines are
   * debug lines and its errors error lines, the component name as the event.
   */
  forComponent(name: string): ComponentLog
}

export interface LogInit {
  /** @default 'info' */
  level?: LogLevel
  /** @default 'text' */
  format?: LogFormat
  /** Receives each formatted line, without its newline. */
  write: (line: string) => void
  /** @default Date.now */
  now?: () => number
}

const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 }

export function createLog (init: LogInit): Log {
  const threshold = SEVERITY[init.level ?? 'info']
  const logFormat = init.format ?? 'text'
  const now = init.now ?? Date.now
  const enabled = (level: LogLevel): boolean => SEVERITY[level] <= threshold
  const write = (level: LogLevel, event: string, msg: string, fields?: LogFields): void => {
    if (enabled(level)) init.write(formatLogLine(logFormat, { time: now(), level, event, msg, fields }))
  }
  return { enabled, write, forComponent: (name) => componentLog(name, enabled, write) }
}

function componentLog (name: string, enabled: Log['enabled'], write: Log['write']): ComponentLog {
  const at = (level: LogLevel) => (formatter: string, ...args: unknown[]): void => {
    if (enabled(level)) write(level, name, format(formatter, ...args))
  }
  return Object.assign(at('debug'), { error: at('error'), trace: at('debug') })
}

const silentComponent: ComponentLog = Object.assign(() => {}, { error: () => {}, trace: () => {} })

/** Writes nothing: the default of every layer that takes a Log. */
export const silentLog: Log = { enabled: () => false, write: () => {}, forComponent: () => silentComponent }

/**
 * text: `2025-01-02T03:04:05.678Z info  member:join     node-2 … is alive`;
 * json: `{"ts":"2025-…","level":"info","event":"member:join","msg":"…",…fields}` (fields never replace the four).
 */
export function formatLogLine (logFormat: LogFormat, record: LogRecord): string {
  const ts = new Date(record.time).toISOString()
  const { level, event, msg } = record
  if (logFormat === 'json') return JSON.stringify(Object.assign({ ts, level, event, msg }, record.fields, { ts, level, event, msg }))
  return `${ts} ${level.padEnd(5)} ${event.padEnd(15)} ${oneLine(msg)}`
}

/** A text line stays one line whatever a message carries (a peer's name, an error's stack). */
export function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}
