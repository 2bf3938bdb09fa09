import { AbortError, CacheError, TimeoutError } from '../common/errors.js'

/**
 * The error a request rejects with when its AbortSignal fires: TimeoutError for `AbortSignal.timeout()`,
 * the reason itself if the caller aborted with a CacheError, AbortError otherwise.
 */
export function errorFromAbortSignal (signal: AbortSignal): CacheError {
  const reason: unknown = signal.reason
  if (reason instanceof CacheError) return reason
  if (reason instanceof Error && reason.name === 'TimeoutError') return new TimeoutError(reason.message)
  return new AbortError(reason instanceof Error ? reason.message : 'request aborted')
}
