import type { NodeId } from '../net/transport.js'

export const MEMBER_STATES = ['alive', 'suspect', 'dead', 'left'] as const
export type MemberState = typeof MEMBER_STATES[number]

/**
 * What a claim on the wire may say about a member: one of its states, or `forgotten`: a dead or left member was
 * dropped from the table (`dcache node forget`), so every member drops it too and keeps only a tombstone.
 */
export const CLAIM_STATES = [...MEMBER_STATES, 'forgotten'] as const
export type ClaimState = typeof CLAIM_STATES[number]

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
export interface MemberUpdate extends Omit<Member, 'state'> {
  state: ClaimState
  /** Who makes the claim: the accuser of a suspect/dead, the member itself for alive/left, the forgetter. */
  from: NodeId
}

/**
 * What is left of a member after it was forgotten or reaped: the incarnation it had, so that an older claim still
 * travelling (a piggybacked alive, a push/pull from a member that has not heard yet) cannot bring it back. Only a
 * newer incarnation, which the member itself makes by refuting, passes it. Tombstones are dropped after a while.
 */
export interface Tombstone {
  id: NodeId
  incarnation: number
  /** Clock time it was made. */
  at: number
}

/**
 * What to do with an update about another member (memberlist's aliveNode/suspectNode/deadNode rules):
 * - `apply`: it is newer, store it;
 * - `confirm`: another accuser of a suspicion we already hold (Lifeguard counts these);
 * - `ignore`: stale or redundant.
 * Rules: alive needs a higher incarnation than we know; suspect overrides alive of the same or higher
 * incarnation, and a suspect of a lower one; dead overrides alive/suspect of the same or higher incarnation;
 * left also overrides dead (a graceful leave is better news than a guess); nothing but a newer alive overrides
 * dead or left; forgotten overrides any state of the same or lower incarnation (see CLAIM_STATES). Suspect, dead,
 * left and forgotten about a member we do not hold are ignored, and so is an alive no newer than its tombstone.
 */
export type UpdateDecision = 'apply' | 'confirm' | 'ignore'

export function decideUpdate (current: Member | undefined, update: MemberUpdate, tombstone?: Tombstone): UpdateDecision {
  if (current === undefined) {
    return update.state === 'alive' && (tombstone === undefined || update.incarnation > tombstone.incarnation) ? 'apply' : 'ignore'
  }
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
    // A forget is only made of a dead or left member, so it overrides what dead and left override, and them too.
    case 'forgotten':
      return newer || same ? 'apply' : 'ignore'
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
  private readonly tombstones = new Map<NodeId, Tombstone>()
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

  tombstoneOf (id: NodeId): Tombstone | undefined {
    return this.tombstones.get(id)
  }

  get tombstoneCount (): number {
    return this.tombstones.size
  }

  /** What `decideUpdate` says of `update` against this table. */
  decide (update: MemberUpdate): UpdateDecision {
    return decideUpdate(this.members.get(update.id), update, this.tombstones.get(update.id))
  }

  /**
   * Stores `update` if `decideUpdate` says so; returns the change, or undefined if it was not applied. An applied
   * `forgotten` removes the record (the change's current is the last record) and leaves a tombstone made at `now`.
   */
  apply (update: MemberUpdate, now = 0): MemberChange | undefined {
    if (this.decide(update) !== 'apply') return undefined
    if (update.state === 'forgotten') return this.forget(update.id, now)
    return this.set(toMember(update))
  }

  /** Overwrites a record without the ordering rules: for the local member, which only this node changes. */
  set (member: Member): MemberChange {
    const previous = this.members.get(member.id)
    const current = freezeMember(member)
    this.members.set(member.id, current)
    this.tombstones.delete(member.id)
    this.active += (isActive(current) ? 1 : 0) - (previous !== undefined && isActive(previous) ? 1 : 0)
    return { previous, current }
  }

  /** Removes a member, leaving a tombstone with its incarnation; the change's current is its last record. */
  forget (id: NodeId, now: number): MemberChange | undefined {
    const previous = this.members.get(id)
    if (previous === undefined) return undefined
    this.members.delete(id)
    if (isActive(previous)) this.active--
    this.tombstones.set(id, { id, incarnation: previous.incarnation, at: now })
    return { previous, current: previous }
  }

  /** Drops tombstones made before `before`; returns how many. */
  dropTombstones (before: number): number {
    let dropped = 0
    for (const [id, tombstone] of this.tombstones) {
      if (tombstone.at >= before) continue
      this.tombstones.delete(id)
      dropped++
    }
    return dropped
  }
}

function isActive (member: Member): boolean {
  return member.state === 'alive' || member.state === 'suspect'
}

/** The record a claim carries; only for claims of a member state (a `forgotten` claim stores nothing). */
export function toMember (update: MemberUpdate): Member {
  const { from: _from, ...member } = update
  return member as Member
}

export function toUpdate (member: Member, from: NodeId): MemberUpdate {
  return { ...member, from }
}

/** A frozen copy, so a record in the table can be shared with every reader. */
function freezeMember (member: Member): Member {
  return Object.freeze({ ...member, addresses: Object.freeze([...member.addresses]) as string[], meta: Object.freeze({ ...member.meta }) })
}
