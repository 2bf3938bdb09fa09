import type { EvictionPolicy } from './policy.js'
import { type SlotChain, SlotLinks } from './slot-links.js'

/** All entries of one priority, oldest arrival first; buckets form a list in rising priority. */
interface Bucket extends SlotChain {
  priority: number
  lower: Bucket | undefined
  higher: Bucket | undefined
}

/**
 * Least frequently used with dynamic ageing (LFU-DA): an entry's priority is the cache's age when it arrived plus
 * the number of times it was used since. The age rises to the priority of each evicted entry, so new entries start
 * level with the survivors and a key that was popular long ago is overtaken and can leave.
 *
 * O(1) per operation (the frequency-bucket structure of Shah, Mitra and Matani, 2010): priorities only move by one
 * and new entries enter at age + 1, which is at most two buckets above the lowest. Within a bucket the entry that
 * reached it first is evicted first.
 */
export class LfuPolicy implements EvictionPolicy {
  readonly name = 'lfu'
  private readonly links = new SlotLinks()
  private bucketOf: Array<Bucket | undefined> = []
  private lowest: Bucket | undefined
  private age = 0

  onInsert (slot: number): void {
    const priority = this.age + 1
    let above = this.lowest
    let below: Bucket | undefined
    while (above !== undefined && above.priority < priority) {
      below = above
      above = above.higher
    }
    const bucket = above?.priority === priority ? above : this.insertBucket(priority, below, above)
    this.enter(bucket, slot)
  }

  onAccess (slot: number): void {
    const from = this.bucketOf[slot] as Bucket
    const next = from.higher
    const to = next?.priority === from.priority + 1 ? next : this.insertBucket(from.priority + 1, from, next)
    this.leave(from, slot)
    this.enter(to, slot)
  }

  onUpdate (slot: number): void {
    this.onAccess(slot)
  }

  onRemove (slot: number): void {
    this.leave(this.bucketOf[slot] as Bucket, slot)
    this.bucketOf[slot] = undefined
  }

  victim (): number {
    if (this.lowest === undefined) return -1
    this.age = this.lowest.priority
    return this.lowest.head
  }

  clear (): void {
    this.bucketOf = []
    this.lowest = undefined
    this.age = 0
  }

  private enter (bucket: Bucket, slot: number): void {
    this.links.append(bucket, slot)
    this.bucketOf[slot] = bucket
  }

  private leave (bucket: Bucket, slot: number): void {
    this.links.unlink(bucket, slot)
    if (bucket.head !== -1) return
    if (bucket.lower === undefined) this.lowest = bucket.higher
    else bucket.lower.higher = bucket.higher
    if (bucket.higher !== undefined) bucket.higher.lower = bucket.lower
  }

  private insertBucket (priority: number, lower: Bucket | undefined, higher: Bucket | undefined): Bucket {
    const bucket: Bucket = { priority, head: -1, tail: -1, lower, higher }
    if (lower === undefined) this.lowest = bucket
    else lower.higher = bucket
    if (higher !== undefined) higher.lower = bucket
    return bucket
  }
}
