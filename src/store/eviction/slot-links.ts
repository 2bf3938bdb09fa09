import { grow } from '../slot-heap.js'

/** Ends of one doubly-linked list of slots; -1 when empty. */
export interface SlotChain { head: number, tail: number }

export function emptyChain (): SlotChain {
  return { head: -1, tail: -1 }
}

/**
 * Intrusive doubly-linked lists over slots: a slot's prev and next sit side by side in one typed array, so a list
 * costs 8 bytes per entry, no object per node, and one cache line per slot touched. A slot is in at most one chain
 * at a time.
 */
export class SlotLinks {
  /** [prev, next] of slot s at 2s and 2s + 1. */
  private links = new Int32Array(128)

  append (chain: SlotChain, slot: number): void {
    if (2 * slot >= this.links.length) this.ensure(slot)
    const links = this.links
    links[2 * slot] = chain.tail
    links[2 * slot + 1] = -1
    if (chain.tail === -1) chain.head = slot
    else links[2 * chain.tail + 1] = slot
    chain.tail = slot
  }

  unlink (chain: SlotChain, slot: number): void {
    const links = this.links
    const prev = links[2 * slot]
    const next = links[2 * slot + 1]
    if (prev === -1) chain.head = next
    else links[2 * prev + 1] = next
    if (next === -1) chain.tail = prev
    else links[2 * next] = prev
  }

  /** Moves `slot`, already in `chain`, to its tail. */
  moveToTail (chain: SlotChain, slot: number): void {
    if (chain.tail === slot) return
    this.unlink(chain, slot)
    this.append(chain, slot)
  }

  private ensure (slot: number): void {
    this.links = grow(this.links, Math.max(2 * slot + 2, this.links.length * 2), 0)
  }
}
