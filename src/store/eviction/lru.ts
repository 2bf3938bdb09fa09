import { FifoPolicy } from './fifo.js'

/** Least recently used: a FIFO list in which every read, overwrite or touch moves the entry to the back. */
export class LruPolicy extends FifoPolicy {
  override readonly name: string = 'lru'

  override onAccess (slot: number): void {
    this.links.moveToTail(this.order, slot)
  }

  override onUpdate (slot: number): void {
    this.links.moveToTail(this.order, slot)
  }
}
