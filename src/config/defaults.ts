/**
 * Defaults for every CacheConfig field (shared/DESIGN.md, "Configuration defaults").
 * The engine, the node and the CLI all read them from here.
 */
import type { LogFormat, LogLevel } from '../common/log.js'

export { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../common/log.js'

export const EVICTION_POLICIES = ['lru', 'lfu', 'fifo', 'ttl'] as const
export type EvictionPolicyName = typeof EVICTION_POLICIES[number]

/** Replicas a request waits for: one, a majority of N (floor(N/2)+1), or all N. */
export const CONSISTENCY_LEVELS = ['one', 'quorum', 'all'] as const
export type ConsistencyLevel = typeof CONSISTENCY_LEVELS[number]
/** A read or write level in the config: a level, or 'default' for the `consistency` field's. */
export const LEVEL_OVERRIDES = ['default', ...CONSISTENCY_LEVELS] as const
export type LevelOverride = typeof LEVEL_OVERRIDES[number]

export const CONFLICT_RESOLUTIONS = ['lww', 'siblings'] as const
export type ConflictResolutionName = typeof CONFLICT_RESOLUTIONS[number]

export const MEMBERSHIP_PRESETS = ['local', 'lan', 'wan'] as const
export type MembershipPresetName = typeof MEMBERSHIP_PRESETS[number]

/** Memory budget of one node's engine: keys + encoded values + per-entry overhead. 1 GiB. */
export const MAX_MEMORY_BYTES = 1024 * 1024 * 1024
export const EVICTION_POLICY: EvictionPolicyName = 'lru'
export const REPLICATION_FACTOR = 3
export const CONSISTENCY: ConsistencyLevel = 'quorum'
/** Concurrent writes: last-writer-wins on hybrid logical clock times, or kept as siblings for the reader. */
export const CONFLICT_RESOLUTION: ConflictResolutionName = 'lww'
/** Most concurrent values kept for one key under 'siblings'; past it the oldest go (counted as conflicts). */
export const MAX_SIBLINGS = 8
/** Seconds a fallback keeps a hint for a member that is down (Cassandra's max_hint_window, 3 h there; 10 min here). */
export const HINT_WINDOW_S = 600
/** Most hints one member holds at once. */
export const MAX_HINTS = 100_000
/** Seconds a delete's tombstone is kept: longer than the hint window, so no late hint brings a deleted key back. */
export const TOMBSTONE_GRACE_S = 1200
export const VIRTUAL_NODES = 150
/** Seconds; 0 means entries never expire unless a TTL is given. */
export const DEFAULT_TTL_S = 3600
/** Seconds between statistics refreshes. */
export const HEALTH_CHECK_INTERVAL_S = 30
/** Longest key in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024
/** Largest encoded value. 1 MiB. */
export const MAX_VALUE_BYTES = 1024 * 1024
/** Encoded values at least this large are stored deflated (if that saves space); 0 turns compression off. */
export const COMPRESSION_THRESHOLD_BYTES = 4096
/** Listen address of a node; loopback only unless told otherwise, like Redis's protected mode. */
export const LISTEN_ADDRESS = '/ip4/127.0.0.1/tcp/7700'
/** Seconds a dead or left member is kept before it is reaped (Serf's reconnect_timeout and tombstone_timeout: 24 h); 0 = never. */
export const REAP_AFTER_S = 24 * 3600
/** Per-request deadline on the wire. */
export const REQUEST_TIMEOUT_MS = 5000
/** Name of the cluster; part of the gossipsub topic so two clusters on one LAN stay apart. */
export const CLUSTER_NAME = 'default'
export const MEMBERSHIP_PRESET: MembershipPresetName = 'lan'
/** Addresses to join at start; none means a cluster of one until someone joins it. */
export const JOIN_ADDRESSES: readonly string[] = []
/** Where a node keeps its peer key and state; `~` is the user's home directory. */
export const DATA_DIR = '~/.dcache'
/** Multicast DNS discovery of peers on the LAN; off by default (it announces the node to the whole segment). */
export const MDNS_ENABLED = false
/** Most vnodes a node may take; the ring holds nodes x vnodes tokens. */
export const MAX_VIRTUAL_NODES = 10_000
/** Lifeguard's local health and shrinking suspicion timeouts on top of SWIM. */
export const LIFEGUARD_ENABLED = true
/** A node's log shows member and ring changes and refused connections, not single requests. */
export const LOG_LEVEL: LogLevel = 'info'
export const LOG_FORMAT: LogFormat = 'text'
/** The file in a node's data dir with the addresses it announces, one per line; the CLI's default way to find a node. */
export const ADDRESS_FILE = 'node.addr'
