import { MAX_VALUE_BYTES } from '../config/defaults.js'

/** The libp2p stream protocol that carries every request/response frame between two peers: binary frames. */
export const RPC_STREAM_PROTOCOL = '/dcache/rpc/2.0.0'
/** Its first version, msgpack frames: still served, and dialled when a peer speaks nothing newer. */
export const RPC_STREAM_PROTOCOL_V1 = '/dcache/rpc/1.0.0'

/** Room in a frame for the envelope, keys and a batch of small values besides the payload. */
const FRAME_OVERHEAD_BYTES = 64 * 1024

/** Largest frame body accepted or sent: 4 values of the largest size plus overhead (multi-key operations). */
export const MAX_FRAME_BYTES = 4 * MAX_VALUE_BYTES + FRAME_OVERHEAD_BYTES

/** Bytes of the big-endian length prefix in front of every frame body. */
export const FRAME_HEADER_BYTES = 4

/**
 * Bytes of keys, versions and values that one batched request carries (a client's pipeline, a coordinator's leg to a
 * replica): a quarter of a frame, so that answers and envelopes fit beside them; a larger batch goes as several.
 */
export const BATCH_BYTES = 1024 * 1024

/** How long a peer that answered as an older version of a protocol is spoken to in that version before the newer one is tried again, ms. */
export const VERSION_FALLBACK_MS = 60_000
