/** Every operation the engine counts, by the name of its LocalCache method. */
export const OPERATIONS = [
  'get', 'put', 'delete', 'exists', 'clear', 'getMultiple', 'putMultiple',
  'increment', 'decrement', 'getAndSet', 'touch', 'getTtl', 'getEntry', 'putEntry'
] as const
export type OperationName = typeof OPERATIONS[number]

/** A snapshot of one engine's statistics: plain numbers and records, safe to send as msgpack or JSON. */
export interface CacheStats {
  hits: number
  misses: number
  /** hits / (hits + misses); 0 before the first read. */
  hitRatio: number
  /** Values written (put, putMultiple per key, putEntry with a value, getAndSet, increment, decrement). */
  sets: number
  /** Keys removed by delete. */
  deletes: number
  evictions: number
  /** Evictions by the name of the policy that chose them. */
  evictionsByPolicy: Record<string, number>
  /** Entries removed at their expiry, tombstones left out. */
  expirations: number
  /** Live keys, tombstones left out. */
  keys: number
  /** Tombstones held now (entries that replication keeps for a deleted key). */
  tombstones: number
  /** Tombstones removed at their expiry. */
  tombstonesPurged: number
  memoryUsedBytes: number
  maxMemoryBytes: number
  evictionPolicy: string
  /** Stored values kept deflated. */
  compressedValues: number
  /** Encoded bytes / stored bytes over all live values (1 when nothing is compressed). */
  compressionRatio: number
  operations: Record<OperationName, number>
}

/** The running counters behind CacheStats; plain fields so the hot paths only do `n++`. */
export class StatsCounters {
  hits = 0
  misses = 0
  sets = 0
  deletes = 0
  evictions = 0
  expirations = 0
  tombstonesPurged = 0
  readonly operations: Record<OperationName, number> = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<OperationName, number>
}
