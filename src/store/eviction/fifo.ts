import type { EvictionPolicy } from './policy.js'
import { emptyChain, SlotLinks } from './slot-links.js'

/** First in, first out: evicts the entry inserted longest ago. Overwriting a key keeps its place (as a Map does). */
export class FifoPolicy implements EvictionPolicy {
  readonly name: string = 'fifo'
  protected readonly links = new SlotLinks()
  protected readonly order = emptyChain()

  onInsert (slot: number): void {
    this.links.append(this.order, slot)
  }

  onAccess (_slot: number): void {}

  onUpdate (_slot: number): void {}

  onRemove (slot: number): void {
    this.links.unlink(this.order, slot)
  }

  victim (): number {
    return this.order.head
  }

  clear (): void {
    this.order.head = this.order.tail = -1
  }
}
