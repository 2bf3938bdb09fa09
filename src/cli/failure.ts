import { stripVTControlCharacters } from 'node:util'
import { CacheError } from '../common/errors.js'
import { oneLine } from '../common/log.js'
import { EXIT, UNEXPECTED_CODE, USAGE_CODE, exitCodeFor } from './exit-codes.js'

/** How the CLI reports a failed command: a stable code, a one-line message and the exit code. */
export interface Failure {
  code: string
  message: string
  exit: number
  /** Where to read more (a usage error's `dcache get --help`); printed after the message, left out of --json. */
  hint?: string
}

/** The fields of oclif's errors read here: its parser's error classes are not exported, so they are told by shape. */
interface OclifError extends Error {
  oclif?: { exit?: number }
  /** Set on every error of oclif's argument parser. */
  parse?: unknown
  /** On a missing-argument error: the definitions of the missing arguments. */
  args?: unknown
}

/**
 * The one mapping from any error a command can end with to what the user sees: a CacheError keeps its code and gets
 * its exit code; an error in the command line itself (oclif's parser, a flag's value, `this.error(..., { exit: 2 })`)
 * is USAGE, exit 2; `this.error` keeps its exit code; anything else is unexpected, code ERR and exit 4 (oclif's default
 * of 1 would read as "key not found").
 */
export function describeFailure (err: unknown, usageHint?: string): Failure {
  if (err instanceof CacheError) return { code: err.code, message: plainLine(err.message), exit: exitCodeFor(err) }
  if (!(err instanceof Error)) return { code: UNEXPECTED_CODE, message: plainLine(String(err)), exit: EXIT.FAILED }
  const e = err as OclifError
  if (e.parse !== undefined || e.message.startsWith('Parsing --')) return { code: USAGE_CODE, message: usageMessage(e), exit: EXIT.USAGE, hint: usageHint }
  const exit = e.oclif?.exit ?? EXIT.FAILED
  return { code: exit === EXIT.USAGE ? USAGE_CODE : UNEXPECTED_CODE, message: plainLine(e.message), exit }
}

/** `{"error":{"code":…,"message":…}}` alone on stdout with --json, else one line on stderr. */
export function printFailure (failure: Failure, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`)
  } else {
    process.stderr.write(`${failure.message}${failure.hint === undefined ? '' : `; ${failure.hint}`}\n`)
  }
}

/** Terminal colours out, every line break (oclif's parser writes `\n\t` into its messages) folded into one space. */
function plainLine (text: string): string {
  return oneLine(stripVTControlCharacters(text)).trim()
}

/** oclif's parser messages, made short: no "See more help" line, no argument table, no note on multiple flags. */
function usageMessage (err: OclifError): string {
  const missing = Array.isArray(err.args) ? err.args.flatMap((a: { name?: unknown }) => typeof a?.name === 'string' ? [a.name] : []) : []
  if (err.message.startsWith('Missing ') && missing.length > 0) return `missing argument${missing.length === 1 ? '' : 's'}: ${missing.join(' ')}`
  const text = plainLine((err.message.split('See more help with --help')[0] as string)
    .replace(/^Parsing (--\S+)\s*/, '$1: ')
    .replace(/^The following errors? occurred:\s*/, '')
    .replace(/^Nonexistent flags?:/, 'unknown flag:')
    .replace(/^Unexpected arguments?:/, 'unexpected argument:'))
  // "--by: Expected an integer" -> "--by: expected an integer", as every other message reads
  return text.replace(/^(--\S+: )?([A-Z])(?=[a-z])/, (_, flag: string | undefined, letter: string) => `${flag ?? ''}${letter.toLowerCase()}`)
}
