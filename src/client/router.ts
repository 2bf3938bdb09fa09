import { HashRing } from '../ring/index.js'
import type { NodeId } from '../net/transport.js'
import type { ClusterInfo } from '../node/protocol.js'

/**
 * The client's picture of the cluster: the ring it learned from a member, used to send each key straight to its
 * owner. A stale ring costs one extra hop (the receiving node forwards), never a wrong answer.
 */
export class Router {
  private ring: HashRing
  private info: ClusterInfo

  constructor (info: ClusterInfo) {
    this.info = info
    this.ring = HashRing.fromJSON(info.ring)
  }

  update (info: ClusterInfo): void {
    this.info = info
    this.ring = HashRing.fromJSON(info.ring)
  }

  get cluster (): ClusterInfo {
    return this.info
  }

  ownerOf (key: string): NodeId | undefined {
    return this.ring.owner(key)
  }

  /** Splits keys by owner, keeping each key's position so results can be put back in order. */
  groupByOwner (keys: string[]): Map<NodeId, number[]> {
    const groups = new Map<NodeId, number[]>()
    keys.forEach((key, index) => {
      const owner = this.ring.owner(key) ?? this.info.self
      const group = groups.get(owner)
      if (group === undefined) groups.set(owner, [index])
      else group.push(index)
    })
    return groups
  }

  /** Members the client may talk to, in preference order for fallbacks. */
  aliveMembers (): NodeId[] {
    return this.info.members.filter((m) => m.state === 'alive').map((m) => m.id)
  }
}
