import type { LogFormat, LogLevel } from '../common/log.js'
import type { ConflictResolutionName, ConsistencyLevel, EvictionPolicyName, LevelOverride, MembershipPresetName } from './defaults.js'

/** Every setting of a node, resolved: defaults filled in, validated, frozen. Defaults are in defaults.ts. */
export interface CacheConfig {
  /** Memory budget of the engine in bytes (keys + encoded values + per-entry overhead). @default 1 GiB */
  maxMemory: number
  /** Which entry goes first when the budget is full. @default 'lru' */
  evictionPolicy: EvictionPolicyName
  /** Replicas per key (N); capped at the number of members in the ring at run time. @default 3 */
  replicationFactor: number
  /** Default read and write level: one, quorum (floor(N/2)+1) or all; a request may name its own. @default 'quorum' */
  consistency: ConsistencyLevel
  /** Level of reads (get, mget, exists, ttl) when the request names none; 'default' = `consistency`. @default 'default' */
  readConsistency: LevelOverride
  /** Level of writes (put, mput, delete, touch, incr, getset) when the request names none; 'default' = `consistency`. @default 'default' */
  writeConsistency: LevelOverride
  /** Concurrent writes to a key: 'lww' keeps the one with the later hybrid-clock time, 'siblings' keeps them all for the reader. @default 'lww' */
  conflictResolution: ConflictResolutionName
  /** Most siblings kept per key under 'siblings'. @default 8 */
  maxSiblings: number
  /** Seconds a fallback keeps hints for a member that is down; older ones are dropped (and counted). @default 600 */
  hintWindow: number
  /** Most hints a member holds at once. @default 100000 */
  maxHints: number
  /** Seconds a delete's tombstone is kept; must be longer than hintWindow. @default 1200, or twice hintWindow when that is longer */
  tombstoneGrace: number
  /** Vnodes (tokens) per node on the hash ring. @default 150 */
  virtualNodes: number
  /** Seconds an entry lives when no TTL is given; 0 = no expiry. @default 3600 */
  defaultTtl: number
  /** Seconds between statistics refreshes (the design card's field; accepted and validated, not used by anything yet). @default 30 */
  healthCheckInterval: number
  /** Longest key in UTF-8 bytes. @default 1024 */
  maxKeyBytes: number
  /** Largest encoded value in bytes. @default 1 MiB, or what fits in maxMemory beside a key when that is smaller */
  maxValueBytes: number
  /** Values at least this many bytes are stored deflated when that saves space; 0 = off. @default 4096, or maxValueBytes when that is smaller */
  compressionThreshold: number
  /** Multiaddrs the node listens on. @default ['/ip4/127.0.0.1/tcp/7700'] */
  listen: string[]
  /** Multiaddrs of members to join at start. @default [] */
  join: string[]
  /** Directory for the node's peer key and state, `~` expanded. @default '~/.dcache' */
  dataDir: string
  /** Human name of the node. @default hostname plus a short hash of dataDir and listen, stable across restarts */
  name: string
  /** Cluster name; part of the gossip topic, so letters, digits, '.', '_' and '-' only. @default 'default' */
  clusterName: string
  /** SWIM timing preset (memberlist's local, LAN or WAN values). @default 'lan' */
  membershipPreset: MembershipPresetName
  /** Discover peers by multicast DNS. @default false */
  mdns: boolean
  /**
   * Lifeguard's extensions to SWIM: local health stretches this node's timeouts when it is slow, and suspicion
   * timeouts start long and shrink as other members confirm. Off = plain SWIM (for comparisons). @default true
   */
  lifeguard: boolean
  /**
   * Seconds a dead or left member stays in the member table (and the ring) before every member drops it, like Serf's
   * reconnect_timeout; `dcache node forget` drops one at once. 0 = never. @default 86400 (24 h)
   */
  reapAfter: number
  /** Per-request deadline in milliseconds. @default 5000 */
  requestTimeout: number
  /** Least severe lines a node started by the CLI prints: error, warn, info (member and ring changes) or debug. @default 'info' */
  logLevel: LogLevel
  /** How a node started by the CLI prints its log: text lines or one JSON object per line. @default 'text' */
  logFormat: LogFormat
}

export type CacheConfigField = keyof CacheConfig

/**
 * What callers may pass for each field: the resolved type, or for sizes and durations a human string
 * ('512mb', '10s'), for numbers and booleans their text, for lists a comma-separated string.
 */
export type CacheConfigInput = {
  [K in CacheConfigField]?: CacheConfig[K] | string
}
