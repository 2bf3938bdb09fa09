/**
 * Versions of one key across its replicas: a set of siblings, each a write with its own dot and causal context.
 *
 * A dot is (actor, ts): the coordinating member's actor number and the hybrid-logical-clock time it gave the write.
 * HLC times only grow on each member, so one number serves as the dot's counter and as the last-writer-wins time.
 * A sibling's causal past is its context (a version vector: actor -> newest ts seen) plus its own dot; a sibling whose
 * dot lies in another sibling's past is obsolete. Merging two replicas' states is the union of their siblings minus
 * the obsolete ones, which is commutative, associative and idempotent, so replicas, read repair and hints can
 * deliver states in any order and still converge (dotted version vectors, Preguiça et al. 2010; Riak's DVVSet).
 *
 * Under `lww` the concurrent siblings that remain are cut to one: the highest (ts, actor), the same choice on every
 * replica. Under `siblings` they are kept (up to a cap) until a write whose context covers them resolves them.
 */

/** A member's number in versions: 48 bits of a hash of its node id, so versions stay small. */
export type Actor = number

/** actor -> the newest ts of that actor's writes seen; as pairs, sorted by actor, so equal vectors encode equally. */
export type VersionVector = Array<[Actor, number]>

export interface Sibling {
  actor: Actor
  /** HLC time of the write: the dot's counter and the last-writer-wins time. */
  ts: number
  /** What the writer had seen (the context it read); empty for a blind write. */
  context: VersionVector
  /** The value's msgpack bytes, or null for a delete (a tombstone). */
  value: Uint8Array | null
  /** Absolute expiry in cluster-clock ms; 0 = never. */
  expiresAt: number
}

export type ConflictResolution = 'lww' | 'siblings'

/** A key's state on one replica: never empty (a missing key has no state). */
export type KeyState = Sibling[]

/** Whether `vector` has seen the write (actor, ts). */
export function covers (vector: VersionVector, actor: Actor, ts: number): boolean {
  for (const [a, t] of vector) if (a === actor) return t >= ts
  return false
}

/** Whether sibling `b` is in the causal past of sibling `a` (and is not `a` itself). */
function obsoletes (a: Sibling, b: Sibling): boolean {
  return !(a.actor === b.actor && a.ts === b.ts) && covers(a.context, b.actor, b.ts)
}

/** The pointwise maximum of version vectors, sorted by actor. */
export function joinVectors (...vectors: VersionVector[]): VersionVector {
  const max = new Map<Actor, number>()
  for (const vector of vectors) for (const [a, t] of vector) if (t > (max.get(a) ?? -1)) max.set(a, t)
  return [...max].sort((x, y) => x[0] - y[0])
}

/** The causal past of a whole state: what a client that read it has seen (the context it sends with its next put). */
export function contextOf (state: KeyState | undefined): VersionVector {
  if (state === undefined) return []
  return joinVectors(...state.map((s): VersionVector => [...s.context, [s.actor, s.ts]]))
}

/** Larger wins: later ts, then higher actor, so every replica picks the same sibling. */
export function newer (a: Sibling, b: Sibling): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.actor > b.actor)
}

export interface MergeResult {
  state: KeyState
  /** Concurrent siblings that were cut (lww) or dropped over the cap (siblings). */
  discarded: number
}

/**
 * Merges replica states: the union of siblings minus the obsolete ones, then the strategy on what is concurrent.
 * Siblings with the same dot are the same write; their contexts are joined.
 */
export function merge (states: Array<KeyState | undefined>, strategy: ConflictResolution, maxSiblings: number): MergeResult {
  // A state holds a few siblings (at most maxSiblings), so a scan finds a dot sooner than a map keyed by strings would:
  // this runs on every replica write and read.
  const all: Sibling[] = []
  for (const state of states) {
    if (state === undefined) continue
    for (const s of state) {
      let i = 0
      while (i < all.length && !((all[i] as Sibling).actor === s.actor && (all[i] as Sibling).ts === s.ts)) i++
      const seen = all[i]
      if (seen === undefined) all.push(s)
      else if (s.context.length > 0) all[i] = { ...seen, context: joinVectors(seen.context, s.context) }
    }
  }
  if (all.length <= 1) return { state: all, discarded: 0 }
  const live = all.filter((s) => !all.some((other) => obsoletes(other, s)))
  live.sort((a, b) => newer(a, b) ? -1 : 1)
  const keep = strategy === 'lww' ? 1 : Math.max(1, maxSiblings)
  if (live.length <= keep) return { state: live, discarded: 0 }
  const kept = live.slice(0, keep)
  // The newest keeps what the cut ones had seen and them, so a replica that still holds one learns it is obsolete.
  const [first, ...rest] = kept as [Sibling, ...Sibling[]]
  const head: Sibling = { ...first, context: joinVectors(first.context, ...live.slice(keep).map((s): VersionVector => [...s.context, [s.actor, s.ts]])) }
  return { state: [head, ...rest], discarded: live.length - keep }
}

/** Whether two states hold the same writes (same dots); a replica whose state differs from the merge is repaired. */
export function sameWrites (a: KeyState | undefined, b: KeyState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (a.length !== b.length) return false
  return a.every((s) => b.some((t) => t.actor === s.actor && t.ts === s.ts))
}

/** The newest write time in a state: what a session remembers having seen of the key. */
export function newestTs (state: KeyState | undefined): number {
  let ts = 0
  if (state !== undefined) for (const s of state) if (s.ts > ts) ts = s.ts
  return ts
}

/** The siblings that hold a value and have not expired at `now` (tombstones and expired writes are misses). */
export function visibleValues (state: KeyState | undefined, now: number): Sibling[] {
  if (state === undefined) return []
  return state.filter((s) => s.value !== null && (s.expiresAt === 0 || s.expiresAt > now))
}

/**
 * Expiry of the whole entry in the engine: the latest of its siblings' (0 = never wins); a state of tombstones only
 * is kept until `tombstoneUntil`.
 */
export function entryExpiry (state: KeyState, tombstoneUntil: number): number {
  let latest = -1
  for (const s of state) {
    const at = s.value === null ? tombstoneUntil : s.expiresAt
    if (at === 0) return 0
    if (at > latest) latest = at
  }
  return latest
}
