import type { NodeId } from '../net/transport.js'

export const MEMBER_STATES = ['alive', 'suspect', 'dead', 'left'] as const
export type MemberState = typeof MEMBER_STATES[number]

/** Small facts a node publishes about itself (e.g. its vnode count); msgpack-encodable scalars only. */
export type MemberMeta = Record<string, string | number | boolean>

export interface Member {
  id: NodeId
  name: string
  addresses: string[]
  /** Raised only by the member itself (to refute, or to change its meta); orders updates about it. */
  incarnation: number
  state: MemberState
  meta: MemberMeta
}

/** A claim about a member as it travels: the member record as `from` sees it. */
export interface MemberUpdate extends Member {
  /** Who makes the claim: the accuser of a suspect/dead, the member itself for alive/left. */
  from: NodeId
}

/**
 * What to do with an update about another member (memberlist's aliveNode/suspectNode/deadNode rules):
 * - `apply`: it is newer, store it;
 * - `confirm`: another accuser of a suspicion we already hold (Lifeguard counts these);
 * - `ignore`: stale or redundant.
 * Rules: alive needs a higher incarnation than we know; suspect overrides alive of the same or higher
 * incarnation, and a suspect of a lower one; dead overrides alive/suspect of the same or higher incarnation;
 * left also overrides dead (a graceful leave is better news than a guess); nothing but a newer alive overrides
 * dead or left. Suspect, dead and left about a member we have never seen are ignored.
 */
export type UpdateDecision = 'apply' | 'confirm' | 'ignore'

export function decideUpdate (current: Member | undefined, update: MemberUpdate): UpdateDecision {
  if (current === undefined) return update.state === 'alive' ? 'apply' : 'ignore'
  const newer = update.incarnation > current.incarnation
  const same = update.incarnation === current.incarnation
  switch (update.state) {
    case 'alive':
      return newer ? 'apply' : 'ignore'
    case 'suspect':
      if (current.state === 'alive') return newer || same ? 'apply' : 'ignore'
      if (current.state === 'suspect') return newer ? 'apply' : same ? 'confirm' : 'ignore'
      return 'ignore'
    case 'dead':
      return (current.state === 'alive' || current.state === 'suspect') && (newer || same) ? 'apply' : 'ignore'
    case 'left':
      return current.state !== 'left' && (newer || same) ? 'apply' : 'ignore'
  }
}

/** The result of applying one update: the record before (if any) and after. */
export interface MemberChange {
  previous: Member | undefined
  current: Member
}

/**
 * Every member this node knows of, itself included, by id. Records are frozen and replaced, never mutated,
 * so they are handed out without copying.
 */
export class MemberTable {
  private readonly members = new Map<NodeId, Member>()
  private active = 0

  constructor (local: Member) {
    this.set(local)
  }

  get (id: NodeId): Member | undefined {
    return this.members.get(id)
  }

  has (id: NodeId): boolean {
    return this.members.has(id)
  }

  /** Every record, in insertion order. */
  list (): Member[] {
    return [...this.members.values()]
  }

  ids (): NodeId[] {
    return [...this.members.keys()]
  }

  stateOf (id: NodeId): MemberState | undefined {
    return this.members.get(id)?.state
  }

  /** Members not dead or left, self included: Lifeguard's estimate of the cluster size. */
  activeCount (): number {
    return this.active
  }

  get size (): number {
    return this.members.size
  }

  /** Stores `update` if `decideUpdate` says so; returns the change, or undefined if it was not applied. */
  apply (update: MemberUpdate): MemberChange | undefined {
    if (decideUpdate(this.members.get(update.id), update) !== 'apply') return undefined
    return this.set(toMember(update))
  }

  /** Overwrites a record without the ordering rules: for the local member, which only this node changes. */
  set (member: Member): MemberChange {
    const previous = this.members.get(member.id)
    const current = freezeMember(member)
    this.members.set(member.id, current)
    this.active += (isActive(current) ? 1 : 0) - (previous !== undefined && isActive(previous) ? 1 : 0)
    return { previous, current }
  }
}

function isActive (member: Member): boolean {
  return member.state === 'alive' || member.state === 'suspect'
}

export function toMember (update: MemberUpdate): Member {
  const { from: _from, ...member } = update
  return member
}

export function toUpdate (member: Member, from: NodeId): MemberUpdate {
  return { ...member, from }
}

/** A frozen copy, so a record in the table can be shared with every reader. */
function freezeMember (member: Member): Member {
  return Object.freeze({ ...member, addresses: Object.freeze([...member.addresses]) as string[], meta: Object.freeze({ ...member.meta }) })
}
