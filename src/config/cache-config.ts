import type { ConsistencyLevel, EvictionPolicyName, MembershipPresetName } from './defaults.js'

/** Every setting of a node, resolved: defaults filled in, validated, frozen. Defaults are in defaults.ts. */
export interface CacheConfig {
  /** Memory budget of the engine in bytes (keys + encoded values + per-entry overhead). @default 1 GiB */
  maxMemory: number
  /** Which entry goes first when the budget is full. @default 'lru' */
  evictionPolicy: EvictionPolicyName
  /** Replicas per key (N); capped at the number of live nodes at run time. @default 3 */
  replicationFactor: number
  /** Default read and write level: ONE, QUORUM (floor(N/2)+1) or ALL. @default 'QUORUM' */
  consistency: ConsistencyLevel
  /** Vnodes (tokens) per node on the hash ring. @default 150 */
  virtualNodes: number
  /** Seconds an entry lives when no TTL is given; 0 = no expiry. @default 3600 */
  defaultTtl: number
  /** Seconds between statistics refreshes (the design card's field; accepted and validated, not used by anything yet). @default 30 */
  healthCheckInterval: number
  /** Longest key in UTF-8 bytes. @default 1024 */
  maxKeyBytes: number
  /** Largest encoded value in bytes. @default 1 MiB */
  maxValueBytes: number
  /** Values at least this many bytes are stored deflated when that saves space; 0 = off. @default 4096 */
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
  /** Per-request deadline in milliseconds. @default 5000 */
  requestTimeout: number
}

export type CacheConfigField = keyof CacheConfig

/**
 * What callers may pass for each field: the resolved type, or for sizes and durations a human string
 * ('512mb', '10s'), for numbers and booleans their text, for lists a comma-separated string.
 */
export type CacheConfigInput = {
  [K in CacheConfigField]?: CacheConfig[K] | string
}
