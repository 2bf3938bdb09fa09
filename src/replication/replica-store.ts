import { SerializationError } from '../common/errors.js'
import type { EntryRecord, LocalCache } from '../store/index.js'
import { decodeEntryState, encodeEntryMeta } from './replica-codec.js'
import { entryExpiry, merge, sameWrites, visibleValues, type ConflictResolution, type KeyState, type Sibling } from './version.js'

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
    const first = state[0] as Sibling
    const tombstoneUntil = this.now() + this.init.tombstoneGraceMs
    this.engine.putEntry(key, first.value ?? undefined, { meta: encodeEntryMeta(state), expiresAt: entryExpiry(state, tombstoneUntil) })
  }
}

function decodeState (entry: EntryRecord): KeyState {
  if (entry.meta.length === 0) {
    // written by the plain API (an embedded LocalCache user): one sibling nobody has versioned
    if (entry.value === undefined) throw new SerializationError('tombstone without a version')
    return [{ actor: 0, ts: 0, context: [], value: entry.value, expiresAt: entry.expiresAt }]
  }
  return decodeEntryState(entry.meta, entry.value ?? null)
}
