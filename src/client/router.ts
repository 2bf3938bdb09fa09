import { HashRing } from '../ring/index.js'
import type { NodeId } from '../net/transport.js'
import type { ClusterInfo } from '../node/protocol.js'

/**
 * The client's picture of the cluster: the ring it learned from a member, used to send each key straight to the
 * first live member of its preference list (which coordinates it). A stale ring costs nothing but that choice: any
 * member coordinates any key.
 */
export class Router {
  private ring: HashRing
  private info: ClusterInfo
  /** Members that were alive when the ring was learned, in the member list's order, and as a set. */
  private aliveList: NodeId[] = []
  private alive = new Set<NodeId>()

  constructor (info: ClusterInfo) {
    this.info = info
    this.ring = HashRing.fromJSON(info.ring)
    this.learnAlive(info)
  }

  update (info: ClusterInfo): void {
    this.info = info
    this.ring = HashRing.fromJSON(info.ring)
    this.learnAlive(info)
  }

  get cluster (): ClusterInfo {
    return this.info
  }

  /** The first member of the key's preference list that was alive when the ring was learned. */
  ownerOf (key: string): NodeId | undefined {
    const owner = this.ring.owner(key)
    if (owner === undefined || this.alive.has(owner)) return owner
    return this.ring.preferenceList(key, this.ring.size).find((id) => this.alive.has(id))
  }

  /** Splits keys by owner, keeping each key's position so results can be put back in order. */
  groupByOwner (keys: string[]): Map<NodeId, number[]> {
    const groups = new Map<NodeId, number[]>()
    keys.forEach((key, index) => {
      const owner = this.ownerOf(key) ?? this.info.self
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

  private learnAlive (info: ClusterInfo): void {
    this.aliveList = info.members.filter((m) => m.state === 'alive').map((m) => m.id)
    this.alive = new Set(this.aliveList)
  }
}
