export {
  type ChangeKind, type ChangeListener, type EntryRecord, LocalCache, type LocalCacheInit, type PutEntryOptions, type PutOptions
} from './local-cache.js'
export type { EvictionPolicy } from './eviction/policy.js'
export { LruPolicy } from './eviction/lru.js'
export { LfuPolicy } from './eviction/lfu.js'
export { FifoPolicy } from './eviction/fifo.js'
export { TtlPolicy } from './eviction/ttl.js'
export { createEvictionPolicy } from './eviction/create.js'
export { type CacheStats, OPERATIONS, type OperationName } from './stats.js'
export { encodeValue, decodeValue } from '../common/codec.js'
export type { CounterDelta } from './counter.js'
