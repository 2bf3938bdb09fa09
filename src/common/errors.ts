/**
 * The error family. Every class has a stable `code` that crosses the wire as `{code, message}` and is rebuilt
 * as the same class on the other side (see `errorFromWire`). Codes are part of the protocol: never rename one.
 */
export class CacheError extends Error {
  readonly code: string = 'ERR'
  /** Structured facts about the failure (a quorum error's counts), carried over the wire with the code. */
  details?: Record<string, unknown>
  constructor (message = 'cache error') {
    super(message)
    this.name = 'CacheError'
  }
}

export class KeyNotFoundError extends CacheError {
  override readonly code = 'KEY_NOT_FOUND'
  constructor (readonly key?: string) {
    super(key === undefined ? 'key not found' : `key not found: ${key}`)
    this.name = 'KeyNotFoundError'
  }
}

export class InvalidKeyError extends CacheError {
  override readonly code = 'INVALID_KEY'
  constructor (message = 'invalid key') {
    super(message)
    this.name = 'InvalidKeyError'
  }
}

export class ValueTooLargeError extends CacheError {
  override readonly code = 'VALUE_TOO_LARGE'
  constructor (message = 'value too large') {
    super(message)
    this.name = 'ValueTooLargeError'
  }
}

/** increment/decrement on a value that is not an integer, or a result past the safe range. */
export class NotAnIntegerError extends CacheError {
  override readonly code = 'NOT_INTEGER'
  constructor (message = 'value is not an integer') {
    super(message)
    this.name = 'NotAnIntegerError'
  }
}

export class NodeUnavailableError extends CacheError {
  override readonly code = 'NODE_UNAVAILABLE'
  constructor (message = 'node unavailable') {
    super(message)
    this.name = 'NodeUnavailableError'
  }
}

export class ReplicationError extends CacheError {
  override readonly code = 'REPLICATION'
  constructor (message = 'replication failed') {
    super(message)
    this.name = 'ReplicationError'
  }
}

/**
 * The requested consistency level could not be met (quorum not reached). `details` says how many replicas answered
 * (`acked`) of how many were `required` and `asked`, and which `failed`.
 */
export class ConsistencyError extends CacheError {
  override readonly code = 'CONSISTENCY'
  constructor (message = 'consistency level not met', details?: { op: 'read' | 'write', acked: number, required: number, asked: number, failed: string[] }) {
    super(message)
    this.name = 'ConsistencyError'
    this.details = details
  }
}

export class ConfigurationError extends CacheError {
  override readonly code = 'CONFIG'
  constructor (message = 'invalid configuration', readonly field?: string) {
    super(message)
    this.name = 'ConfigurationError'
  }
}

/** No cluster member matches the id, id suffix or name given (`dcache node remove/forget`). */
export class MemberNotFoundError extends CacheError {
  override readonly code = 'MEMBER_NOT_FOUND'
  constructor (message = 'no such member') {
    super(message)
    this.name = 'MemberNotFoundError'
  }
}

/** An argument that is well-formed but cannot be acted on: an ambiguous member id, a member in the wrong state. */
export class InvalidArgumentError extends CacheError {
  override readonly code = 'INVALID_ARGUMENT'
  constructor (message = 'invalid argument', readonly argument?: string) {
    super(message)
    this.name = 'InvalidArgumentError'
  }
}

export class NetworkError extends CacheError {
  override readonly code = 'NETWORK'
  constructor (message = 'network error') {
    super(message)
    this.name = 'NetworkError'
  }
}

export class SerializationError extends CacheError {
  override readonly code = 'SERIALIZATION'
  constructor (message = 'value cannot be serialized') {
    super(message)
    this.name = 'SerializationError'
  }
}

/** A malformed, oversized or unknown frame or operation on the wire. */
export class ProtocolError extends CacheError {
  override readonly code = 'PROTOCOL'
  constructor (message = 'protocol error') {
    super(message)
    this.name = 'ProtocolError'
  }
}

export class TimeoutError extends CacheError {
  override readonly code = 'TIMEOUT'
  constructor (message = 'operation timed out') {
    super(message)
    this.name = 'TimeoutError'
  }
}

export class AbortError extends CacheError {
  override readonly code = 'ABORTED'
  constructor (message = 'operation aborted') {
    super(message)
    this.name = 'AbortError'
  }
}

/** Something on this machine failed, not the cluster or the input: the listen port is taken, the data dir cannot be made. */
export class LocalFailureError extends CacheError {
  override readonly code = 'LOCAL'
  constructor (message = 'local failure') {
    super(message)
    this.name = 'LocalFailureError'
  }
}

/** An error from a remote node whose code this build does not know. */
export class RemoteError extends CacheError {
  constructor (override readonly code: string, message = 'remote error') {
    super(message)
    this.name = 'RemoteError'
  }
}

/** What goes on the wire for an error. */
export interface WireError { code: string, message: string, details?: Record<string, unknown> }

// code -> class; APPEND ONLY: codes are on the wire.
const ERROR_CLASSES: Record<string, new () => CacheError> = {
  ERR: CacheError,
  KEY_NOT_FOUND: KeyNotFoundError,
  INVALID_KEY: InvalidKeyError,
  VALUE_TOO_LARGE: ValueTooLargeError,
  NOT_INTEGER: NotAnIntegerError,
  NODE_UNAVAILABLE: NodeUnavailableError,
  REPLICATION: ReplicationError,
  CONSISTENCY: ConsistencyError,
  CONFIG: ConfigurationError,
  NETWORK: NetworkError,
  SERIALIZATION: SerializationError,
  PROTOCOL: ProtocolError,
  TIMEOUT: TimeoutError,
  ABORTED: AbortError,
  LOCAL: LocalFailureError,
  MEMBER_NOT_FOUND: MemberNotFoundError,
  INVALID_ARGUMENT: InvalidArgumentError
}

export function errorToWire (err: unknown): WireError {
  if (err instanceof CacheError) return err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details }
  return { code: 'ERR', message: err instanceof Error ? err.message : String(err) }
}

export function errorFromWire (wire: WireError): CacheError {
  // Object.hasOwn: the code comes from the network, and 'constructor' or '__proto__' must not find Object's members
  const Class = Object.hasOwn(ERROR_CLASSES, wire.code) ? ERROR_CLASSES[wire.code] : undefined
  if (Class === undefined) return new RemoteError(wire.code, wire.message)
  const err = new Class()
  err.message = wire.message
  if (wire.details !== null && typeof wire.details === 'object') err.details = wire.details
  return err
}
