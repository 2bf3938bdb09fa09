import { grow } from '../slot-heap.js'

/** Ends of one doubly-linked list of slots; -1 when empty. */
export interface SlotChain { head: number, tail: number }

export function emptyChain (): SlotChain {
  return { head: -1, tail: -1 }
}

/**
 * Intrusive doubly-linked lists over slots: prev/next live in typed arrays indexed by slot, so a list costs 8 bytes
 * per entry and no object per node. A slot is in at most one chain at a time.
 */
export class SlotLinks {
  private prev = new Int32Array(64)
  private next = new Int32Array(64)

  append (chain: SlotChain, slot: number): void {
    if (slot >= this.prev.length) this.ensure(slot)
    this.prev[slot] = chain.tail
    this.next[slot] = -1
    if (chain.tail === -1) chain.head = slot
    else this.next[chain.tail] = slot
    chain.tail = slot
  }

  unlink (chain: SlotChain, slot: number): void {
    const prev = this.prev[slot]
    const next = this.next[slot]
    if (prev === -1) chain.head = next
    else this.next[prev] = next
    if (next === -1) chain.tail = prev
    else this.prev[next] = prev
  }

  /** Moves `slot`, already in `chain`, to its tail. */
  moveToTail (chain: SlotChain, slot: number): void {
    if (chain.tail === slot) return
    this.unlink(chain, slot)
    this.append(chain, slot)
  }

  private ensure (slot: number): void {
    const size = Math.max(slot + 1, this.prev.length * 2)
    this.prev = grow(this.prev, size, 0)
    this.next = grow(this.next, size, 0)
  }
}
