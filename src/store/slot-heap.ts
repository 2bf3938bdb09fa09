/**
 * A binary min-heap of entry slots keyed by a number (an expiry time), with each slot's position tracked so that
 * update and remove are O(log n). Ties go to the slot pushed first, so orders are exact and repeatable; a heap that
 * needs no such order (`tiesInPushOrder` false) breaks ties by slot number and saves 8 bytes per slot.
 */
export class SlotHeap {
  private heap = new Int32Array(64)
  private count = 0
  /** slot -> index in `heap`, or -1 when absent. */
  private position = new Int32Array(64).fill(-1)
  private keys = new Float64Array(64)
  /** slot -> push order, the tie-break; empty when ties go by slot number. */
  private order: Float64Array
  private pushes = 0

  constructor (private readonly tiesInPushOrder = true) {
    this.order = new Float64Array(tiesInPushOrder ? 64 : 0)
  }

  get size (): number {
    return this.count
  }

  has (slot: number): boolean {
    return slot < this.position.length && this.position[slot] !== -1
  }

  keyOf (slot: number): number {
    return this.keys[slot]
  }

  /** The slot with the smallest key, or -1 when empty. */
  peek (): number {
    return this.count === 0 ? -1 : this.heap[0]
  }

  push (slot: number, key: number): void {
    this.ensureSlot(slot)
    if (this.count === this.heap.length) this.heap = grow(this.heap, this.heap.length * 2, 0)
    this.keys[slot] = key
    if (this.tiesInPushOrder) this.order[slot] = this.pushes++
    this.heap[this.count] = slot
    this.position[slot] = this.count
    this.count++
    this.siftUp(this.count - 1)
  }

  update (slot: number, key: number): void {
    const old = this.keys[slot]
    this.keys[slot] = key
    if (key < old) this.siftUp(this.position[slot])
    else this.siftDown(this.position[slot])
  }

  remove (slot: number): void {
    const index = this.position[slot]
    this.position[slot] = -1
    this.count--
    if (index === this.count) return
    const last = this.heap[this.count]
    this.heap[index] = last
    this.position[last] = index
    this.siftUp(index)
    this.siftDown(this.position[last])
  }

  clear (): void {
    this.position.fill(-1)
    this.count = 0
  }

  private less (a: number, b: number): boolean {
    const ka = this.keys[a]
    const kb = this.keys[b]
    if (ka !== kb) return ka < kb
    return this.tiesInPushOrder ? this.order[a] < this.order[b] : a < b
  }

  private siftUp (index: number): void {
    const heap = this.heap
    const slot = heap[index]
    while (index > 0) {
      const parentIndex = (index - 1) >> 1
      const parent = heap[parentIndex]
      if (!this.less(slot, parent)) break
      heap[index] = parent
      this.position[parent] = index
      index = parentIndex
    }
    heap[index] = slot
    this.position[slot] = index
  }

  private siftDown (index: number): void {
    const heap = this.heap
    const slot = heap[index]
    for (;;) {
      let child = 2 * index + 1
      if (child >= this.count) break
      if (child + 1 < this.count && this.less(heap[child + 1], heap[child])) child++
      const next = heap[child]
      if (!this.less(next, slot)) break
      heap[index] = next
      this.position[next] = index
      index = child
    }
    heap[index] = slot
    this.position[slot] = index
  }

  private ensureSlot (slot: number): void {
    if (slot < this.position.length) return
    const size = Math.max(slot + 1, this.position.length * 2)
    this.position = grow(this.position, size, -1)
    this.keys = grow(this.keys, size, 0)
    if (this.tiesInPushOrder) this.order = grow(this.order, size, 0)
  }
}

/** A copy of `array` with room for `size` elements, the new ones set to `fill`. */
export function grow<T extends Int32Array | Uint32Array | Float64Array | Uint8Array> (array: T, size: number, fill: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size)
  bigger.set(array)
  if (fill !== 0) bigger.fill(fill, array.length)
  return bigger
}
