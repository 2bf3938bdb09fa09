// The public API of the dcache package.
export { version } from './version.js'
export * from './common/errors.js'
export { systemClock, type Clock, type TimerId } from './common/clock.js'
export { seededRandom, systemRandom, type Random } from './common/random.js'

// The engine: one node's data.
export * from './store/index.js'

// Configuration: CacheConfig, its defaults, validation and loading.
export * from './config/index.js'

// The ring.
export { HashRing, movedRanges, hashKey, RING_SIZE, type RangeMove, type RingSnapshot } from './ring/index.js'

// Membership.
export { Swim, HealthMonitor, SWIM_PRESETS, type Member, type MemberState, type MemberEvent, type MembershipEvents, type SwimInit } from './membership/index.js'

// A cluster member you can embed, and the client of a cluster.
export { createNode, CacheNode, PRIVATE_KEY_FILE, type RunningNode, type CreateNodeOptions, type NodeStats, type NodeEvent, type ClusterInfo, type MemberView, type KeyResult } from './node/index.js'
export { DistributedCache, type DistributedCacheInit, type PutOptions as ClientPutOptions, type RequestLevel, type Siblings } from './client/distributed-cache.js'
export { SessionToken } from './client/session.js'
export { Pipeline, type PipelineResult } from './client/pipeline.js'
export type { GetReply, WriteReply, DeleteReply, Reply } from './node/protocol.js'

// Replication: versions and the pure pieces, for tools and tests.
export { merge, contextOf, newestTs, type KeyState, type Sibling, type VersionVector, type ConflictResolution } from './replication/index.js'
export { connectClient, type ConnectOptions } from './client/connect.js'

// Transports, for embedding a node in tests or simulations.
export type { NodeId, Transport } from './net/transport.js'
export { MemoryNetwork } from './net/memory/index.js'
