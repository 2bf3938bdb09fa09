/**
 * How the engine picks entries to evict when `maxMemory` is reached. The engine names each entry by its slot:
 * a small non-negative integer, stable while the entry lives and reused after it is removed. Policies keep their
 * own per-slot state (typed arrays indexed by slot) and must make every call O(1) or O(log n).
 *
 * Implement this interface to plug in a policy of your own: `new LocalCache({ evictionPolicy: myPolicy })`.
 * One policy instance serves one cache.
 */
export interface EvictionPolicy {
  /** Shown in statistics (`evictionsByPolicy`). */
  readonly name: string
  /** A new entry was stored in `slot`; `expiresAt` is its expiry in clock milliseconds, 0 for none. */
  onInsert(slot: number, expiresAt: number): void
  /** The entry was read (get, getMultiple, getAndSet). */
  onAccess(slot: number): void
  /** The entry's value or expiry was replaced in place (put over an existing key, increment, touch). */
  onUpdate(slot: number, expiresAt: number): void
  /** The entry left the cache (delete, expiry or eviction). */
  onRemove(slot: number): void
  /** The slot to evict next, or -1 when there is none. Called only right before the engine evicts it. */
  victim(): number
  /** Every entry left at once. */
  clear(): void
}
