import { HashRing } from '../ring/index.js'
import type { NodeId } from '../net/transport.js'
import type { ClusterInfo, InputLimits, MemberView } from '../node/protocol.js'

/**
 * The client's picture of the cluster: the ring it learned from a member, used to send each key straight to the
 * first live member of its preference list (which coordinates it). Until a ring arrives, and whenever it is stale,
 * that costs nothing but the choice of member: any member coordinates any key, so keys go to the contact node.
 */
export class Router {
  private ring?: HashRing
  private info?: ClusterInfo
  /** The member cluster-wide requests go to: the seed the client reached, then the member that sent the ring. */
  private contactId: NodeId
  /** Members believed alive, in the member list's order (the seeds until a ring arrives), and as a set. */
  private aliveList: NodeId[]
  private alive: Set<NodeId>

  /** `seeds`: the member the client reached first, then other members it may fall back to. */
  constructor (seeds: NodeId[]) {
    this.contactId = seeds[0] as NodeId
    this.aliveList = [...new Set(seeds)]
    this.alive = new Set(this.aliveList)
  }

  update (info: ClusterInfo): void {
    this.contactId = info.self
    this.info = info
    this.ring = HashRing.fromJSON(info.ring)
    this.aliveList = info.members.filter((m) => m.state === 'alive').map((m) => m.id)
    this.alive = new Set(this.aliveList)
  }

  get contact (): NodeId {
    return this.contactId
  }

  /** The members with their addresses as last learned; none until a ring arrives. */
  get members (): readonly MemberView[] {
    return this.info?.members ?? []
  }

  /** The cluster's input limits as last learned; unknown until a ring arrives. */
  get limits (): InputLimits | undefined {
    return this.info?.limits
  }

  /** The first member of the key's preference list that was alive when the ring was learned; none without a ring. */
  ownerOf (key: string): NodeId | undefined {
    if (this.ring === undefined) return undefined
    const owner = this.ring.owner(key)
    if (owner === undefined || this.alive.has(owner)) return owner
    return this.ring.preferenceList(key, this.ring.size).find((id) => this.alive.has(id))
  }

  /** Splits keys by owner (the contact node for keys without one), keeping each key's position in `keys`. */
  groupByOwner (keys: string[]): Map<NodeId, number[]> {
    const groups = new Map<NodeId, number[]>()
    keys.forEach((key, index) => {
      const owner = this.ownerOf(key) ?? this.contactId
      const group = groups.get(owner)
      if (group === undefined) groups.set(owner, [index])
      else group.push(index)
    })
    return groups
  }

  /** Members the client may talk to, in preference order for fallbacks. */
  aliveMembers (): NodeId[] {
    return this.aliveList
  }
}
