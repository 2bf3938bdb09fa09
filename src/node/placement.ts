import type { HashRing } from '../ring/index.js'
import type { NodeId } from '../net/transport.js'
import type { Target } from '../replication/index.js'

/**
 * Where a key's copies go. The ring holds every member that has not left (a dead member keeps its ranges, as in
 * Dynamo and Riak: a crash is not a decommission), so a key's N primaries stay put through failures; a primary that
 * is not alive is stood in for by the next live member along the ring, which holds the write with a hint for it
 * (sloppy quorum, hinted handoff).
 */
export class Placement {
  constructor (
    private readonly ring: HashRing,
    private readonly self: NodeId,
    private readonly replicationFactor: number,
    private readonly isAlive: (id: NodeId) => boolean
  ) {}

  /** Replicas per key now: N, or every member while the ring has fewer. */
  get n (): number {
    return Math.min(this.replicationFactor, this.ring.size)
  }

  primaries (key: string): NodeId[] {
    return this.ring.preferenceList(key, this.n)
  }

  /** Whether this member is one of the key's primaries. */
  holds (key: string): boolean {
    return this.primaries(key).includes(this.self)
  }

  /** The live primaries in order, then a fallback for each primary that is down, with a hint naming it. */
  targets (key: string): Target[] {
    const primaries = this.primaries(key)
    if (primaries.every((id) => this.alive(id))) return primaries.map((replica) => ({ replica }))
    const down = primaries.filter((id) => !this.alive(id))
    const fallbacks = this.ring.preferenceList(key, this.ring.size).slice(primaries.length).filter((id) => this.alive(id))
    const targets: Target[] = primaries.filter((id) => this.alive(id)).map((replica) => ({ replica }))
    down.forEach((hintFor, i) => {
      const replica = fallbacks[i]
      if (replica !== undefined) targets.push({ replica, hintFor })
    })
    return targets
  }

  /** The member that coordinates the key's read-modify-writes: the first live one of its preference list. */
  coordinatorOf (key: string): NodeId {
    return this.targets(key)[0]?.replica ?? this.self
  }

  private alive (id: NodeId): boolean {
    return id === this.self || this.isAlive(id)
  }
}
