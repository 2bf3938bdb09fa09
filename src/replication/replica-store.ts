import { decodeValue, encodeValue } from '../common/codec.js'
import { SerializationError } from '../common/errors.js'
import type { EntryRecord, LocalCache } from '../store/index.js'
import { entryExpiry, merge, sameWrites, visibleValues, type ConflictResolution, type KeyState, type Sibling, type VersionVector } from './version.js'

/** Sibling fields kept in the entry's metadata; the first sibling's value is the entry's value (or its tombstone). */
type SiblingMeta = [actor: number, ts: number, context: VersionVector, expiresAt: number]
/** APPEND ONLY: stored and sent between replicas. [siblings, values of siblings after the first] */
type StateMeta = [SiblingMeta[], Array<Uint8Array | null>]

export interface ReplicaStoreInit {
  strategy: ConflictResolution
  maxSiblings: number
  /** How long a delete's tombstone is kept after the delete, in ms (longer than the hint window). */
  tombstoneGraceMs: number
}

export interface ApplyResult {
  /** The replica held a visible value before. */
  existed: boolean
  /** The stored state changed (the incoming state had writes it lacked). */
  changed: boolean
  /** Concurrent siblings cut by the strategy. */
  discarded: number
  state: KeyState
}

/**
 * One replica's versioned entries on top of the engine: a key's state is stored as the engine's value (the newest
 * sibling's) plus metadata the engine keeps without reading it.
 */
export class ReplicaStore {
  constructor (private readonly engine: LocalCache, private readonly init: ReplicaStoreInit, private readonly now: () => number) {}

  read (key: string): KeyState | undefined {
    const entry = this.engine.getEntry(key)
    return entry === undefined ? undefined : decodeState(entry)
  }

  /** A replica read for a client request: as read(), counted as the engine's hit or miss. */
  readForClient (key: string): KeyState | undefined {
    const state = this.read(key)
    this.engine.recordRead(visibleValues(state, this.now()).length > 0)
    return state
  }

  /** Merges `incoming` into what this replica holds and stores the result. */
  apply (key: string, incoming: KeyState): ApplyResult {
    const stored = this.read(key)
    const existed = visibleValues(stored, this.now()).length > 0
    const { state, discarded } = merge([stored, incoming], this.init.strategy, this.init.maxSiblings)
    const changed = !sameWrites(stored, state)
    if (changed) this.write(key, state)
    return { existed, changed, discarded, state }
  }

  private write (key: string, state: KeyState): void {
    const [first, ...rest] = state as [Sibling, ...Sibling[]]
    const meta: StateMeta = [state.map((s): SiblingMeta => [s.actor, s.ts, s.context, s.expiresAt]), rest.map((s) => s.value)]
    const tombstoneUntil = this.now() + this.init.tombstoneGraceMs
    this.engine.putEntry(key, first.value ?? undefined, { meta: encodeValue(meta), expiresAt: entryExpiry(state, tombstoneUntil) })
  }
}

function decodeState (entry: EntryRecord): KeyState {
  const meta = entry.meta.length === 0 ? undefined : decodeValue(entry.meta) as StateMeta
  if (meta === undefined) {
    // written by the plain API (an embedded LocalCache user): one sibling nobody has versioned
    if (entry.value === undefined) throw new SerializationError('tombstone without a version')
    return [{ actor: 0, ts: 0, context: [], value: entry.value, expiresAt: entry.expiresAt }]
  }
  const [siblings, values] = meta
  return siblings.map(([actor, ts, context, expiresAt], i) => ({
    actor, ts, context, expiresAt, value: i === 0 ? entry.value ?? null : values[i - 1] ?? null
  }))
}
