import type { NodeId } from '../net/transport.js'
import type { MemberUpdate } from './member-table.js'

/**
 * Updates waiting to be piggybacked on SWIM messages (memberlist's TransmitLimitedQueue): the least-sent go
 * first (oldest first among equals), each at most `limit` times; a newer update about a member replaces the
 * older one. Updates this node originated are also handed once to the gossipsub topic by `takeUnpublished()`.
 * Buckets by transmit count keep each take O(max), which matters when a join queues a whole member table.
 */
export class BroadcastQueue {
  /** buckets[t]: updates sent t times so far, by member id, in queue order. */
  private readonly buckets: Array<Map<NodeId, MemberUpdate>> = []
  private readonly transmitsOf = new Map<NodeId, number>()
  private readonly unpublished = new Map<NodeId, MemberUpdate>()

  /** Queues `update`, replacing any queued update about the same member. */
  enqueue (update: MemberUpdate, opts: { publish: boolean }): void {
    this.remove(update.id)
    this.bucket(0).set(update.id, update)
    this.transmitsOf.set(update.id, 0)
    // A newer update from elsewhere makes our own pending one stale; its originator publishes it.
    if (opts.publish) this.unpublished.set(update.id, update)
    else this.unpublished.delete(update.id)
  }

  /** Updates still to be piggybacked. */
  get size (): number {
    return this.transmitsOf.size
  }

  /** Up to `max` updates for one message; each counts as one transmission, and is dropped after `limit`. */
  takePiggyback (max: number, limit: number): MemberUpdate[] {
    const chosen: MemberUpdate[] = []
    for (let t = 0; t < this.buckets.length && chosen.length < max; t++) {
      for (const update of this.bucket(t).values()) {
        if (chosen.length >= max) break
        chosen.push(update)
      }
    }
    for (const update of chosen) {
      const transmits = (this.transmitsOf.get(update.id) ?? 0) + 1
      this.remove(update.id)
      if (transmits >= limit) continue
      this.bucket(transmits).set(update.id, update)
      this.transmitsOf.set(update.id, transmits)
    }
    return chosen
  }

  /** Updates originated here that the topic has not carried yet. */
  takeUnpublished (): MemberUpdate[] {
    const out = [...this.unpublished.values()]
    this.unpublished.clear()
    return out
  }

  private remove (id: NodeId): void {
    const transmits = this.transmitsOf.get(id)
    if (transmits === undefined) return
    this.buckets[transmits]?.delete(id)
    this.transmitsOf.delete(id)
  }

  private bucket (transmits: number): Map<NodeId, MemberUpdate> {
    while (this.buckets.length <= transmits) this.buckets.push(new Map())
    return this.buckets[transmits] as Map<NodeId, MemberUpdate>
  }
}
