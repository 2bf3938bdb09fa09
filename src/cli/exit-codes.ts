import { CacheError } from '../common/errors.js'

/** The CLI's exit codes, stable for scripts. */
export const EXIT = {
  OK: 0,
  /** Key not found (get, ttl, touch) or `exists` false. */
  NOT_FOUND: 1,
  /** Bad usage or bad input (unknown flag, invalid key, value too large, not an integer, bad config). */
  USAGE: 2,
  /** The cluster could not serve the request (unreachable, timeout, quorum, protocol). */
  CLUSTER: 3,
  /** Anything else went wrong locally (the listen port is taken, a file cannot be written, ...). */
  FAILED: 4
} as const

const USAGE_CODES = new Set(['INVALID_KEY', 'VALUE_TOO_LARGE', 'NOT_INTEGER', 'SERIALIZATION', 'CONFIG'])

export function exitCodeFor (err: CacheError): number {
  if (err.code === 'KEY_NOT_FOUND') return EXIT.NOT_FOUND
  if (err.code === 'LOCAL') return EXIT.FAILED
  return USAGE_CODES.has(err.code) ? EXIT.USAGE : EXIT.CLUSTER
}
