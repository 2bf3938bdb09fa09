import { ProtocolError } from '../common/errors.js'
import { VIRTUAL_NODES } from '../config/defaults.js'
import { hashKey, RING_SIZE } from './hash.js'
import { preferenceListAt, successorIndex } from './preference-list.js'
import { allocateTokens, anchorTokens, compareIds, type NodeVnodes, type TokenLayout } from './token-allocation.js'

/** Names the token scheme; a ring snapshot made with another scheme would place keys differently. */
export const RING_SCHEME = 'dcache-ring/1 murmur3-32 stratified-relaxed'

/** What a node sends to clients: enough to rebuild the identical ring (tokens are a function of it). */
export interface RingSnapshot {
  scheme: string
  nodes: NodeVnodes[]
}

export interface Balance {
  /** Largest ownership share. */
  max: number
  /** Mean share, 1 / number of nodes. */
  mean: number
  /** Largest share divided by the share its vnode count entitles it to; max / mean when all vnode counts are equal. */
  ratio: number
}

export interface HashRingInit {
  /** Vnodes for a node added without a count. @default VIRTUAL_NODES (150) */
  virtualNodes?: number
}

/**
 * Consistent hashing with virtual nodes. Keys and tokens share a 32-bit ring; a key belongs to the first token at or
 * clockwise after its hash. Token placement is documented in token-allocation.ts. The layout is rebuilt lazily, on
 * the first lookup after a change, so adding many nodes costs one rebuild.
 */
export class HashRing {
  readonly virtualNodes: number
  private readonly members = new Map<string, NodeVnodes>()
  private readonly anchors = new Map<string, readonly number[]>()
  private built: TokenLayout | undefined
  private seen = new Uint32Array(0)
  private stamp = 0

  constructor (init: HashRingInit = {}) {
    this.virtualNodes = checkVnodes(init.virtualNodes ?? VIRTUAL_NODES)
  }

  /** Adds a node, or changes its vnode count; returns false if it was already there with that count. */
  addNode (id: string, vnodes: number = this.virtualNodes): boolean {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('node id must be a non-empty string')
    checkVnodes(vnodes)
    if (this.members.get(id)?.vnodes === vnodes) return false
    this.members.set(id, { id, vnodes })
    this.anchors.set(id, anchorTokens(id, vnodes))
    this.built = undefined
    return true
  }

  /** Returns false if the node was not on the ring. */
  removeNode (id: string): boolean {
    if (!this.members.delete(id)) return false
    this.anchors.delete(id)
    this.built = undefined
    return true
  }

  hasNode (id: string): boolean {
    return this.members.has(id)
  }

  /** Node ids, ascending. */
  nodes (): string[] {
    return [...this.members.keys()].sort(compareIds)
  }

  get size (): number {
    return this.members.size
  }

  /** The key's ring position (its hash), for display and for range arithmetic. */
  position (key: string): number {
    return hashKey(key)
  }

  /** The node that owns `key`, or undefined on an empty ring. */
  owner (key: string): string | undefined {
    return this.ownerAt(hashKey(key))
  }

  ownerAt (position: number): string | undefined {
    const layout = this.layout()
    if (layout.positions.length === 0) return undefined
    return layout.nodes[layout.owners[successorIndex(layout.positions, position)] as number]
  }

  /** The first n distinct nodes clockwise from the key's position: its replicas, coordinator first. */
  preferenceList (key: string, n: number): string[] {
    return this.preferenceListAt(hashKey(key), n)
  }

  preferenceListAt (position: number, n: number): string[] {
    const layout = this.layout()
    if (this.seen.length < layout.nodes.length) this.seen = new Uint32Array(layout.nodes.length)
    this.stamp = (this.stamp + 1) >>> 0
    if (this.stamp === 0) {
      this.seen.fill(0)
      this.stamp = 1
    }
    return preferenceListAt(layout, position, n, this.seen, this.stamp)
  }

  /** Token positions of one node, ascending; empty if it is not on the ring. */
  tokens (id: string): number[] {
    const layout = this.layout()
    const index = layout.nodes.indexOf(id)
    const result: number[] = []
    if (index < 0) return result
    layout.owners.forEach((owner, k) => { if (owner === index) result.push(layout.positions[k] as number) })
    return result
  }

  /** The owner at the middle of each of `width` equal slices of the ring, clockwise from 0: a picture of the ring. */
  ownerStrip (width: number): Array<string | undefined> {
    return Array.from({ length: width }, (_, i) => this.ownerAt(Math.floor((i + 0.5) * RING_SIZE / width)))
  }

  /** Every token, ascending, with its node: for diffs and display. */
  tokenList (): Array<{ position: number, node: string }> {
    const { positions, owners, nodes } = this.layout()
    return Array.from(positions, (position, k) => ({ position, node: nodes[owners[k] as number] as string }))
  }

  /** Share of the ring (of key space) owned by each node as first replica; the shares sum to 1. */
  ownership (): Map<string, number> {
    const { positions, owners, nodes } = this.layout()
    const ranges = new Float64Array(nodes.length)
    positions.forEach((position, k) => {
      const previous = k === 0 ? (positions[positions.length - 1] as number) - RING_SIZE : positions[k - 1] as number
      ranges[owners[k] as number]! += position - previous
    })
    return new Map(nodes.map((id, n) => [id, (ranges[n] as number) / RING_SIZE]))
  }

  balance (): Balance {
    const shares = this.ownership()
    if (shares.size === 0) return { max: 0, mean: 0, ratio: 0 }
    const totalVnodes = [...this.members.values()].reduce((sum, m) => sum + m.vnodes, 0)
    let max = 0
    let ratio = 0
    for (const [id, share] of shares) {
      max = Math.max(max, share)
      ratio = Math.max(ratio, share / ((this.members.get(id) as NodeVnodes).vnodes / totalVnodes))
    }
    return { max, mean: 1 / shares.size, ratio }
  }

  toJSON (): RingSnapshot {
    return { scheme: RING_SCHEME, nodes: this.nodes().map((id) => ({ ...(this.members.get(id) as NodeVnodes) })) }
  }

  static fromJSON (snapshot: unknown, init: HashRingInit = {}): HashRing {
    if (!isSnapshot(snapshot)) throw new ProtocolError('invalid ring snapshot: expected { scheme, nodes: [{ id, vnodes }] }')
    if (snapshot.scheme !== RING_SCHEME) throw new ProtocolError(`unsupported ring scheme "${snapshot.scheme}" (this build uses "${RING_SCHEME}")`)
    const ring = new HashRing(init)
    for (const { id, vnodes } of snapshot.nodes) ring.addNode(id, vnodes)
    return ring
  }

  private layout (): TokenLayout {
    this.built ??= allocateTokens([...this.members.values()], (m) => this.anchors.get(m.id) as readonly number[])
    return this.built
  }
}

function checkVnodes (vnodes: number): number {
  if (!Number.isInteger(vnodes) || vnodes < 1) throw new RangeError(`vnodes must be an integer >= 1 (got ${String(vnodes)})`)
  return vnodes
}

function isSnapshot (value: unknown): value is RingSnapshot {
  if (typeof value !== 'object' || value === null) return false
  const { scheme, nodes } = value as Record<string, unknown>
  return typeof scheme === 'string' && Array.isArray(nodes) && nodes.every((n: unknown) =>
    typeof n === 'object' && n !== null && typeof (n as NodeVnodes).id === 'string' && (n as NodeVnodes).id.length > 0 &&
    Number.isInteger((n as NodeVnodes).vnodes) && (n as NodeVnodes).vnodes >= 1)
}
