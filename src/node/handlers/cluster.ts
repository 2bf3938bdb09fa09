import { InvalidArgumentError, NodeUnavailableError, ProtocolError } from '../../common/errors.js'
import { findMember } from '../../membership/index.js'
import { decodeValue, encodeValue } from '../../common/codec.js'
import type { NodeId, Transport } from '../../net/transport.js'
import type { CacheNode } from '../cache-node.js'
import type { NodeStats } from '../stats.js'
import type { ClusterInfo, ForgetReply, MemberView } from '../protocol.js'
import type { EventQuery, NodeEvent } from '../event-log.js'

/** Member-to-member legs of cluster-wide operations (each member's share of a clear, its statistics). */
export const MEMBER_PROTOCOL = '/dcache/member/1.0.0'

/** APPEND ONLY: on the wire between members. */
type MemberRequest = { op: 'clear' } | { op: 'stats' }

/**
 * Cluster-wide and administrative operations: clear and stats fan out to every live member, the rest are answered
 * from this member's own view.
 */
export class ClusterHandlers {
  constructor (private readonly node: CacheNode, private readonly transport: Transport) {}

  async start (): Promise<void> {
    await this.transport.handle(MEMBER_PROTOCOL, async (_from, data) => {
      const op = (decodeValue(data) as Partial<MemberRequest> | null)?.op
      if (op === 'clear') return encodeValue(this.node.clearLocal())
      if (op === 'stats') return encodeValue(this.node.localStats())
      throw new ProtocolError(`unknown member operation ${JSON.stringify(op)}`)
    })
  }

  async stop (): Promise<void> {
    await this.transport.unhandle(MEMBER_PROTOCOL)
  }

  /** Clears this node and every other live member; says which members did not answer. */
  async clear (): Promise<number> {
    const removed = this.node.clearLocal()
    const members = this.node.otherAliveMembers()
    const results = await Promise.allSettled(members.map(async (id) => await this.leg<number>(id, { op: 'clear' })))
    const total = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), removed)
    const failed = members.filter((_, i) => results[i]?.status === 'rejected')
    if (failed.length > 0) throw new NodeUnavailableError(`cleared ${total} keys, but ${failed.length} member(s) did not answer: ${failed.join(', ')}`)
    return total
  }

  /** Every live member's statistics; a member that does not answer is left out rather than failing the call. */
  async stats (): Promise<NodeStats[]> {
    const others = await Promise.allSettled(this.node.otherAliveMembers().map(async (id) => await this.leg<NodeStats>(id, { op: 'stats' })))
    return [this.node.localStats(), ...others.flatMap((r) => r.status === 'fulfilled' ? [r.value] : [])]
  }

  cluster (): ClusterInfo {
    const { ring, membership, health } = this.node
    const ownership = ring.ownership()
    const members: MemberView[] = membership.members().map((m) => {
      const h = health.get(m.id)
      return {
        id: m.id,
        name: m.name,
        addresses: m.addresses,
        state: m.state,
        incarnation: m.incarnation,
        vnodes: ring.hasNode(m.id) ? ring.tokens(m.id).length : 0,
        ownership: ownership.get(m.id) ?? 0,
        lastAckAt: h?.lastAckAt,
        rttMs: h?.lastRttMs
      }
    })
    const { replicationFactor, maxKeyBytes, maxValueBytes } = this.node.config
    return { self: this.node.id, members, ring: ring.toJSON(), replicationFactor, limits: { maxKeyBytes, maxValueBytes } }
  }

  /** Contacts a running node at `address` and brings it into this cluster (it pulls the member table from us). */
  async addNode (address: string): Promise<NodeId> {
    const id = await this.transport.connect(address, { signal: AbortSignal.timeout(this.node.config.requestTimeout) })
    await this.node.membership.join([id])
    return id
  }

  /**
   * Graceful removal of the member `query` names (findMember): itself announces `left` and exits; another member
   * passes the request on. A dead or left member cannot leave: it is forgotten instead.
   */
  async removeNode (query: string, from: NodeId): Promise<void> {
    const { membership } = this.node
    const member = findMember(membership.members(), query)
    if (member.state === 'dead' || member.state === 'left') {
      throw new InvalidArgumentError(`${member.name} (${member.id}) is ${member.state === 'left' ? 'already gone (left)' : 'dead'}: drop it with \`dcache node forget ${member.name}\``, 'id')
    }
    if (membership.aliveMembers().length <= 1) throw new InvalidArgumentError(`${member.name} (${member.id}) is the last member of the cluster; stop it instead`, 'id')
    if (member.id !== this.node.id) {
      await this.node.forward<void>(member.id, { op: 'removeNode', id: member.id })
      return
    }
    await this.node.leaveOnRequest(from)
  }

  /** Drops the dead or left member `query` names from every member's table and ring (Swim.forget). */
  forgetNode (query: string): ForgetReply {
    const { membership } = this.node
    const member = membership.forget(findMember(membership.members(), query).id)
    return { id: member.id, name: member.name, state: member.state as ForgetReply['state'] }
  }

  events (query: EventQuery): NodeEvent[] {
    return this.node.events.query(query)
  }

  private async leg<T> (to: NodeId, req: MemberRequest): Promise<T> {
    const data = await this.transport.request(to, MEMBER_PROTOCOL, encodeValue(req), { timeoutMs: this.node.legTimeoutMs })
    return decodeValue(data) as T
  }
}
