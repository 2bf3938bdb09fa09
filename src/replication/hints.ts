import type { NodeId } from '../net/transport.js'

export interface HintStoreInit {
  /** Most hints held at once. */
  maxHints: number
  /** Most bytes of hinted keys held at once. */
  maxBytes: number
  /** A hint older than this is dropped undelivered (the key is left to read repair and anti-entropy), ms. */
  windowMs: number
}

/** Bytes a hint costs besides its key (map entries, the number). */
const HINT_OVERHEAD_BYTES = 48

interface Hint { addedAt: number, seq: number }

/**
 * Hints a fallback holds: "this key's newest state belongs on `target` too". The state itself stays in this member's
 * store, so a hint costs only its key; delivery sends whatever is stored then (the newest this member has).
 * Bounded by count, bytes and age; every hint that could not be kept or delivered is counted as dropped.
 */
export class HintStore {
  private readonly byTarget = new Map<NodeId, Map<string, Hint>>()
  private count = 0
  private bytes = 0
  private seq = 0
  delivered = 0
  dropped = 0

  constructor (private readonly init: HintStoreInit) {}

  get pending (): number {
    return this.count
  }

  /** Records (or refreshes) a hint; false, counted as dropped, when the store is full. */
  add (target: NodeId, key: string, now: number): boolean {
    let hints = this.byTarget.get(target)
    const existing = hints?.get(key)
    if (existing !== undefined) {
      existing.seq = ++this.seq
      return true
    }
    const cost = key.length + HINT_OVERHEAD_BYTES
    if (this.count >= this.init.maxHints || this.bytes + cost > this.init.maxBytes) {
      this.dropped++
      return false
    }
    if (hints === undefined) {
      hints = new Map()
      this.byTarget.set(target, hints)
    }
    hints.set(key, { addedAt: now, seq: ++this.seq })
    this.count++
    this.bytes += cost
    return true
  }

  targets (): NodeId[] {
    return [...this.byTarget.keys()]
  }

  /** Up to `limit` keys hinted for `target`, each with the mark `settle` needs. */
  batch (target: NodeId, limit: number): Array<{ key: string, seq: number }> {
    const out: Array<{ key: string, seq: number }> = []
    for (const [key, hint] of this.byTarget.get(target) ?? []) {
      if (out.length >= limit) break
      out.push({ key, seq: hint.seq })
    }
    return out
  }

  /** The hint was delivered: forgotten unless it was refreshed by a newer write meanwhile (then it goes again). */
  settle (target: NodeId, key: string, seq: number): boolean {
    const hint = this.byTarget.get(target)?.get(key)
    if (hint === undefined || hint.seq !== seq) return false
    this.remove(target, key)
    this.delivered++
    return true
  }

  /** A hint that cannot be delivered (its state is gone from this member): dropped. */
  discard (target: NodeId, key: string): void {
    if (this.remove(target, key)) this.dropped++
  }

  /** Drops hints older than the window. */
  expire (now: number): number {
    let expired = 0
    for (const [target, hints] of this.byTarget) {
      for (const [key, hint] of hints) {
        if (now - hint.addedAt <= this.init.windowMs) continue
        this.remove(target, key)
        expired++
      }
    }
    this.dropped += expired
    return expired
  }

  private remove (target: NodeId, key: string): boolean {
    const hints = this.byTarget.get(target)
    if (hints?.delete(key) !== true) return false
    this.count--
    this.bytes -= key.length + HINT_OVERHEAD_BYTES
    if (hints.size === 0) this.byTarget.delete(target)
    return true
  }
}
