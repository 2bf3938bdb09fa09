/** Values are copied into slabs of this size, so that a value costs no ArrayBuffer of its own (FACTS.md section 8). */
export const SLAB_BYTES = 1024 * 1024
/** Values whose chunk would be larger than this get a buffer of their own instead of slab space. */
export const MAX_SLAB_CHUNK_BYTES = 64 * 1024
/**
 * Memory charged per entry on top of its key and its chunk (value, then metadata): the key's hash-table buckets, the
 * slot's 48-byte record (less the key bytes it holds inline), the policy links and the expiry heap's per-slot arrays.
 * bench/engine.ts measured, for 1M entries with 16-byte keys and 100-byte encoded values, 196 B/entry of heap
 * without metadata (104-byte chunks, which leaves 76 B for all of this) and 224 B with 24 bytes of metadata
 * (128-byte chunks, which leaves 80 B).
 */
export const ENTRY_OVERHEAD_BYTES = 77
/** Extra charge for a value kept outside the slabs: its own ArrayBuffer and Uint8Array objects. */
export const OWN_BUFFER_OVERHEAD_BYTES = 160
/** Time between active expiry sweeps (Redis runs its sweep 10 times a second). */
export const SWEEP_INTERVAL_MS = 100
/** Expired entries the sweep removes (or re-checks) per tick at most, to keep each tick short. */
export const SWEEP_MAX_WORK = 1000
/** Copies handed out by getEntry and entries() share ArrayBuffers of this size, as Node's Buffer pool does (same size). */
export const COPY_POOL_BYTES = 8 * 1024
