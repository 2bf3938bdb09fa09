import { CacheError } from '../common/errors.js'

/** The CLI's exit codes, stable for scripts. */
export const EXIT = {
  OK: 0,
  /** Key not found (get, ttl, touch), `exists` false, or no member matches the id given (node remove/forget). */
  NOT_FOUND: 1,
  /** Bad usage or bad input (unknown flag, invalid key, value too large, not an integer, bad config, an ambiguous
   * member id, a member in the wrong state for the command). */
  USAGE: 2,
  /** The cluster could not serve the request (unreachable, timeout, quorum, protocol). */
  CLUSTER: 3,
  /** Anything else went wrong locally (the listen port is taken, a file cannot be written, ...). */
  FAILED: 4
} as const

/** The code of an error in the command line itself (a flag, an argument, an unknown command): not a CacheError code. */
export const USAGE_CODE = 'USAGE'
/** The code of an error that is not a CacheError (a bug, a file system error). */
export const UNEXPECTED_CODE = 'ERR'

const NOT_FOUND_CODES = new Set(['KEY_NOT_FOUND', 'MEMBER_NOT_FOUND'])
const USAGE_CODES = new Set([USAGE_CODE, 'INVALID_KEY', 'VALUE_TOO_LARGE', 'NOT_INTEGER', 'SERIALIZATION', 'CONFIG', 'INVALID_ARGUMENT'])
const LOCAL_CODES = new Set(['LOCAL'])

export function exitCodeFor (err: CacheError): number {
  if (NOT_FOUND_CODES.has(err.code)) return EXIT.NOT_FOUND
  if (USAGE_CODES.has(err.code)) return EXIT.USAGE
  return LOCAL_CODES.has(err.code) ? EXIT.FAILED : EXIT.CLUSTER
}
