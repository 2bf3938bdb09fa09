import type { Clock, TimerId } from '../common/clock.js'
import { ConfigurationError, InvalidArgumentError, MemberNotFoundError, NodeUnavailableError, ProtocolError, TimeoutError } from '../common/errors.js'
import { shuffle, randomInt, type Random } from '../common/random.js'
import type { NodeId, Transport } from '../net/transport.js'
import { Awareness } from './awareness.js'
import { BroadcastQueue } from './broadcast-queue.js'
import { TypedEmitter, type MemberEventName, type MembershipEvents, type Unsubscribe } from './events.js'
import { silentLogger, type ComponentLogger, type Logger } from './logger.js'
import { pickRandom, pushPullScale, retransmitLimit, suspicionTimeout } from './math.js'
import { MemberTable, toUpdate, type Member, type MemberChange, type MemberMeta, type MemberState, type MemberUpdate } from './member-table.js'
import { decodeMessage, encodeMessage, MessageType, membersTopic, SWIM_PROTOCOL, type PingMessage, type SwimMessage } from './messages.js'
import { resolveSwimConfig, type SwimConfig } from './presets.js'
import { Suspicion } from './suspicion.js'

export interface SwimComponents {
  transport: Transport
  clock: Clock
  random: Random
  /** @default silent */
  logger?: ComponentLogger
}

/**
 * Every field is optional. Timings come from `preset` (memberlist's local/lan/wan profiles) unless given here.
 * - `probeIntervalMs`: one probe per period, stretched by local health (lan 1000).
 * - `probeTimeoutMs`: wait for a direct ack before asking others, stretched by local health (lan 500).
 * - `indirectChecks`: members asked to ping-req a silent target (lan 3).
 * - `retransmitMult`: each update is piggybacked `retransmitMult * ceil(log10(n + 1))` times (lan 4).
 * - `suspicionMult`: min suspicion timeout `suspicionMult * max(1, log10(n)) * probeIntervalMs` (lan 4).
 * - `suspicionMaxTimeoutMult`: max suspicion timeout = this * min, shrinking to min with confirmations (lan 6).
 * - `awarenessMax`: largest timeout multiplier of local health; 1 turns Lifeguard's awareness off (lan 8).
 * - `pushPullIntervalMs`: full-table exchange with one random member, scaled up past 32 members (lan 30000).
 * - `pushPullTimeoutMs`: deadline of one push/pull (memberlist TCPTimeout, lan 10000).
 * - `gossipIntervalMs`: longest wait before updates originated here are published on the topic (lan 200).
 * - `maxPiggyback`: updates piggybacked on one SWIM message (8).
 * - `clusterName`: the topic is `dcache/<clusterName>/members` (default 'default').
 */
export interface SwimInit extends Partial<SwimConfig> {
  /**
   * A member dead or left this long is dropped from the table (Serf's reconnect_timeout and tombstone_timeout,
   * 24 h there); 0 = never. Each member reaps on its own clock: a reap is not gossiped. @default 0
   */
  reapAfterMs?: number
  /** Display name of the local member. @default transport.self */
  name?: string
  /** Addresses announced for the local member. @default transport.addresses() */
  addresses?: string[]
  /** Initial meta of the local member (e.g. `{ vnodes: 150 }`). @default {} */
  meta?: MemberMeta
}

interface IndirectOutcome { acked: boolean, nacks: number }

/** How often the reaper looks for members to drop, at most (Serf's reap_interval); shorter when reapAfterMs is. */
export const REAP_INTERVAL_MS = 15_000
/**
 * How long the tombstone of a forgotten or reaped member is kept. It only has to outlive the claims about the member
 * still travelling: piggybacked updates stop after a few probe periods, and every member forgets it within a
 * push/pull round or two (Serf keeps its recent intents 5 minutes).
 */
export const TOMBSTONE_TTL_MS = 5 * 60_000

/**
 * SWIM membership with Lifeguard (memberlist's state.go, in TypeScript): probe, ping-req, suspicion, refutation,
 * piggybacked and published dissemination, push/pull repair. Talks only through `Transport`, keeps time only
 * through `Clock`, draws only from `Random`.
 */
export class Swim {
  readonly config: Readonly<SwimConfig>
  private readonly transport: Transport
  private readonly clock: Clock
  private readonly random: Random
  private readonly log: Logger
  private readonly self: NodeId
  private readonly topic: string
  private readonly table: MemberTable
  private readonly awareness: Awareness
  private readonly queue = new BroadcastQueue()
  private readonly emitter = new TypedEmitter<MembershipEvents>()
  private readonly suspicions = new Map<NodeId, Suspicion>()
  /** Clock time each dead or left member went down, for the reaper. */
  private readonly downSince = new Map<NodeId, number>()
  private readonly reapAfterMs: number
  private probeOrder: NodeId[] = []
  private probeIndex = 0
  private seq = 0
  private running = false
  /** Bumped by every start(), so loop callbacks of an earlier run stop instead of doubling the new run's loops. */
  private generation = 0
  private leaving = false
  private announced = false
  private probeTimer: TimerId | undefined
  private pushPullTimer: TimerId | undefined
  private gossipTimer: TimerId | undefined
  private reapTimer: TimerId | undefined
  private unsubscribeTopic: Unsubscribe | undefined

  constructor (components: SwimComponents, init: SwimInit = {}) {
    const { name, addresses, meta, reapAfterMs, ...config } = init
    this.config = resolveSwimConfig(config)
    if (reapAfterMs !== undefined && !(Number.isFinite(reapAfterMs) && reapAfterMs >= 0)) throw new ConfigurationError('invalid reapAfterMs; must be >= 0', 'reapAfterMs')
    this.reapAfterMs = reapAfterMs ?? 0
    this.transport = components.transport
    this.clock = components.clock
    this.random = components.random
    this.log = (components.logger ?? silentLogger).forComponent('dcache:membership:swim')
    this.self = components.transport.self
    this.topic = membersTopic(this.config.clusterName)
    this.awareness = new Awareness(this.config.awarenessMax)
    this.table = new MemberTable({
      id: this.self,
      name: name ?? this.self,
      addresses: addresses ?? components.transport.addresses(),
      incarnation: 0,
      state: 'alive',
      meta: meta ?? {}
    })
  }

  // ---- queries ----

  get localMember (): Member {
    return this.table.get(this.self) as Member
  }

  /** Lifeguard's local health score: 0 is healthy, up to awarenessMax - 1. */
  get healthScore (): number {
    return this.awareness.healthScore
  }

  /** Every known member, self included, in any state. */
  members (): Member[] {
    return this.table.list()
  }

  /** Members in state alive, self included. */
  aliveMembers (): Member[] {
    return this.table.list().filter((member) => member.state === 'alive')
  }

  get (id: NodeId): Member | undefined {
    return this.table.get(id)
  }

  /** Tombstones of forgotten and reaped members still kept (they are not in members()). */
  get tombstoneCount (): number {
    return this.table.tombstoneCount
  }

  stateOf (id: NodeId): MemberState | undefined {
    return this.table.stateOf(id)
  }

  on<K extends keyof MembershipEvents> (event: K, fn: (payload: MembershipEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, fn)
  }

  // ---- lifecycle ----

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    this.generation++
    await this.transport.handle(SWIM_PROTOCOL, async (from, data) => await this.handleRequest(from, data))
    this.unsubscribeTopic = this.transport.subscribe(this.topic, (from, data) => { this.handleGossip(from, data) })
    if (!this.announced) {
      this.announced = true
      this.emit('member:join', this.localMember, undefined)
    }
    this.broadcastLocal()
    if (!this.leaving) this.scheduleLoops()
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    this.cancelLoops()
    if (this.gossipTimer !== undefined) this.clock.clearTimeout(this.gossipTimer)
    this.gossipTimer = undefined
    for (const suspicion of this.suspicions.values()) suspicion.cancel()
    this.suspicions.clear()
    this.unsubscribeTopic?.()
    this.unsubscribeTopic = undefined
    await this.transport.unhandle(SWIM_PROTOCOL)
  }

  /**
   * Exchanges member tables with each seed (ids from `transport.connect()`), then announces the local member.
   * Returns how many seeds answered; throws NodeUnavailableError if there were seeds and none answered.
   */
  async join (seedIds: NodeId[]): Promise<number> {
    const seeds = [...new Set(seedIds)].filter((id) => id !== this.self)
    const answered = await Promise.all(seeds.map(async (id) => await this.exchangeState(id)))
    this.broadcastLocal()
    await this.gossip()
    const contacted = answered.filter(Boolean).length
    if (seeds.length > 0 && contacted === 0) throw new NodeUnavailableError(`no seed answered: ${seeds.join(', ')}`)
    return contacted
  }

  /**
   * Announces a graceful leave: publishes `left` and tells a few members directly (the topic is best effort),
   * then stops probing. Keeps answering until stop().
   */
  async leave (): Promise<void> {
    if (this.leaving) return
    this.leaving = true
    this.cancelLoops()
    const previous = this.localMember
    this.setLocal({ ...previous, state: 'left' })
    this.emit('member:left', this.localMember, previous.state)
    await this.gossip()
    const notice = toUpdate(this.localMember, this.self)
    const peers = pickRandom(this.random, this.table.list(), Math.max(1, this.config.indirectChecks), (m) => m.id !== this.self && m.state === 'alive')
    await Promise.all(peers.map(async (peer) => {
      await this.exchange(peer.id, { type: MessageType.Notify, seq: this.nextSeq(), updates: [notice] }, this.config.probeTimeoutMs)
    }))
  }

  /**
   * Drops a dead or left member from the table at once and tells every member to do the same (like Cassandra's
   * removenode and riak-admin force-remove): piggybacked and published as a `forgotten` claim with the member's
   * incarnation, which stays here as a tombstone so older claims cannot bring it back. A member that is in fact
   * running comes back by refuting (a higher incarnation). Throws MemberNotFoundError for an unknown id, and
   * InvalidArgumentError for a member that is alive or suspect (remove it gracefully instead) or for this node.
   */
  forget (id: NodeId): Member {
    const member = this.table.get(id)
    if (member === undefined) throw new MemberNotFoundError(`no member with id ${id}`)
    if (id === this.self) throw new InvalidArgumentError(`${member.name} (${id}) is the member answering; a member cannot forget itself`, 'id')
    if (member.state === 'alive' || member.state === 'suspect') {
      throw new InvalidArgumentError(`${member.name} (${id}) is ${member.state}: only dead or left members can be forgotten; remove a live one with \`dcache node remove\``, 'id')
    }
    this.log('forgetting %s (%s)', id, member.state)
    this.applyUpdate({ ...member, state: 'forgotten', from: this.self }, true)
    return member
  }

  /**
   * One reaper round: drops members dead or left for reapAfterMs or longer (locally: every member reaps on its own
   * clock, as Serf does), and tombstones older than TOMBSTONE_TTL_MS. Returns the members it dropped.
   */
  reap (): Member[] {
    const now = this.clock.now()
    const reaped: Member[] = []
    if (this.reapAfterMs > 0) {
      for (const [id, since] of this.downSince) {
        if (now - since < this.reapAfterMs) continue
        const change = this.table.forget(id, now)
        this.downSince.delete(id)
        if (change === undefined) continue
        reaped.push(change.current)
        this.log('reaped %s, %s for %d ms', id, change.current.state, now - since)
        this.emit('member:reap', change.current, change.current.state)
      }
    }
    this.table.dropTombstones(now - TOMBSTONE_TTL_MS)
    return reaped
  }

  /** Replaces the local member's meta and announces it with a new incarnation. */
  setLocalMeta (meta: MemberMeta): void {
    const previous = this.localMember
    this.setLocal({ ...previous, incarnation: previous.incarnation + 1, meta: { ...meta } })
    this.emit('member:update', this.localMember, previous.state)
  }

  // ---- one-shot protocol steps (the loops call these; tests call them directly) ----

  /** Probes the next member in the shuffled round-robin: ping, then ping-req through others, then suspect. */
  async probe (): Promise<void> {
    const target = this.nextProbeTarget()
    if (target !== undefined) await this.probeMember(target)
  }

  /** Publishes the updates this node originated since the last call on the membership topic. */
  async gossip (): Promise<void> {
    const updates = this.queue.takeUnpublished()
    if (updates.length === 0) return
    try {
      await this.transport.publish(this.topic, encodeMessage({ type: MessageType.Gossip, seq: this.nextSeq(), updates }))
    } catch (err) {
      this.log.error('publishing %d updates failed: %s', updates.length, (err as Error).message)
    }
  }

  /**
   * Exchanges full member tables with one random alive member, and with one random dead one: after a
   * partition each side thinks the other dead and would otherwise never talk to it again (Serf's reconnect).
   */
  async pushPull (): Promise<void> {
    const members = this.table.list()
    const partners = [
      ...pickRandom(this.random, members, 1, (m) => m.id !== this.self && m.state === 'alive'),
      ...pickRandom(this.random, members, 1, (m) => m.state === 'dead')
    ]
    await Promise.all(partners.map(async (member) => await this.exchangeState(member.id)))
  }

  // ---- probing ----

  private async probeMember (target: Member): Promise<void> {
    const sent = this.clock.now()
    const deadline = sent + this.awareness.scaleTimeout(this.config.probeIntervalMs)
    const reply = await this.exchange(target.id, this.pingMessage(target.id), this.awareness.scaleTimeout(this.config.probeTimeoutMs))
    if (reply?.type === MessageType.Ack) {
      this.probeSucceeded(target.id, false, this.clock.now() - sent)
      return
    }
    const helpers = pickRandom(this.random, this.table.list(), this.config.indirectChecks,
      (m) => m.id !== this.self && m.id !== target.id && m.state === 'alive')
    const outcome = await this.indirectProbe(target.id, helpers, Math.max(0, deadline - this.clock.now()))
    if (outcome.acked) {
      this.probeSucceeded(target.id, true, this.clock.now() - sent)
      return
    }
    // Helpers that did not even nack point at our own slowness; with no helpers, any failure counts.
    this.awareness.applyDelta(helpers.length > 0 ? helpers.length - outcome.nacks : 1)
    this.emitter.emit('probe:result', { target: target.id, ok: false, indirect: false, rttMs: undefined, time: this.clock.now() })
    if (!this.running) return
    this.log('no ack from %s, suspecting it', target.id)
    this.applyUpdate({ ...target, state: 'suspect', from: this.self }, true)
  }

  private probeSucceeded (target: NodeId, indirect: boolean, rttMs: number): void {
    this.awareness.applyDelta(-1)
    this.emitter.emit('probe:result', { target, ok: true, indirect, rttMs, time: this.clock.now() })
  }

  /** Asks each helper to ping `target`; settles on the first ack, or once every helper answered or timed out. */
  private async indirectProbe (target: NodeId, helpers: Member[], timeoutMs: number): Promise<IndirectOutcome> {
    if (helpers.length === 0 || timeoutMs <= 0) return { acked: false, nacks: 0 }
    // Leave a fifth of the time for the helper's nack to travel back.
    const helperTimeoutMs = Math.floor(timeoutMs * 0.8)
    return await new Promise<IndirectOutcome>((resolve) => {
      let pending = helpers.length
      let nacks = 0
      for (const helper of helpers) {
        const request: SwimMessage = { type: MessageType.PingReq, seq: this.nextSeq(), target, timeoutMs: helperTimeoutMs, updates: this.piggyback() }
        void this.exchange(helper.id, request, timeoutMs).then((reply) => {
          if (reply?.type === MessageType.Ack) resolve({ acked: true, nacks })
          if (reply?.type === MessageType.Nack) nacks++
          if (--pending === 0) resolve({ acked: false, nacks })
        })
      }
    })
  }

  /** A ping to `target`; if we suspect it, the suspicion rides along so it can refute at once (buddy system). */
  private pingMessage (target: NodeId): PingMessage {
    const current = this.table.get(target)
    const buddy = current?.state === 'suspect' ? [toUpdate(current, this.self)] : []
    return { type: MessageType.Ping, seq: this.nextSeq(), target, updates: [...buddy, ...this.piggyback(this.config.maxPiggyback - buddy.length)] }
  }

  /** Round-robin over a shuffled list of members, reshuffled at each pass (memberlist probe order). */
  private nextProbeTarget (): Member | undefined {
    for (let attempts = 0; attempts <= this.probeOrder.length + 1; attempts++) {
      if (this.probeIndex >= this.probeOrder.length) {
        this.probeOrder = shuffle(this.random, this.table.ids().filter((id) => id !== this.self))
        this.probeIndex = 0
        if (this.probeOrder.length === 0) return undefined
      }
      const member = this.table.get(this.probeOrder[this.probeIndex++] as NodeId)
      if (member?.state === 'alive' || member?.state === 'suspect') return member
    }
    return undefined
  }

  // ---- messages ----

  private async handleRequest (from: NodeId, data: Uint8Array): Promise<Uint8Array> {
    const message = decodeMessage(data)
    this.receiveUpdates(message.updates)
    // A forgotten member that talks to us is running again, but its own alive claims are no newer than its
    // tombstone: tell it it was dead at that incarnation, so it refutes with a newer one that passes every tombstone.
    const notice = this.tombstoneNotice(from)
    switch (message.type) {
      case MessageType.Ping:
        if (message.target !== this.self) throw new ProtocolError(`ping for ${message.target} reached ${this.self}`)
        return encodeMessage({ type: MessageType.Ack, seq: message.seq, updates: [...notice, ...this.piggyback(this.config.maxPiggyback - notice.length)] })
      case MessageType.PingReq: {
        const reply = await this.exchange(message.target, this.pingMessage(message.target), message.timeoutMs)
        const type = reply?.type === MessageType.Ack ? MessageType.Ack : MessageType.Nack
        return encodeMessage({ type, seq: message.seq, updates: [...notice, ...this.piggyback(this.config.maxPiggyback - notice.length)] })
      }
      case MessageType.PushPull:
        this.mergeRemoteState(from, message.members)
        return encodeMessage({ ...this.pushPullMessage(), updates: notice })
      case MessageType.Notify:
        return encodeMessage({ type: MessageType.Ack, seq: message.seq, updates: notice })
      default:
        throw new ProtocolError(`unexpected swim message type ${message.type} from ${from}`)
    }
  }

  private handleGossip (from: NodeId, data: Uint8Array): void {
    if (from === this.self) return
    try {
      const message = decodeMessage(data)
      if (message.type === MessageType.Gossip) this.receiveUpdates(message.updates)
    } catch (err) {
      this.log.error('bad membership gossip from %s: %s', from, (err as Error).message)
    }
  }

  /** One request with a deadline on our clock; the decoded reply (its piggyback applied), or undefined on any failure. */
  private async exchange (to: NodeId, message: SwimMessage, timeoutMs: number): Promise<SwimMessage | undefined> {
    const controller = new AbortController()
    const timer = this.clock.setTimeout(() => { controller.abort(new TimeoutError(`swim request to ${to} timed out`)) }, timeoutMs)
    try {
      const reply = decodeMessage(await this.transport.request(to, SWIM_PROTOCOL, encodeMessage(message), { signal: controller.signal }))
      this.receiveUpdates(reply.updates)
      return reply
    } catch (err) {
      this.log.trace('swim request to %s failed: %s', to, (err as Error).message)
      return undefined
    } finally {
      this.clock.clearTimeout(timer)
    }
  }

  private async exchangeState (to: NodeId): Promise<boolean> {
    const reply = await this.exchange(to, this.pushPullMessage(), this.config.pushPullTimeoutMs)
    if (reply?.type !== MessageType.PushPull) return false
    this.mergeRemoteState(to, reply.members)
    return true
  }

  /** A `dead` claim at a member's tombstone incarnation, for that member only (see handleRequest). */
  private tombstoneNotice (id: NodeId): MemberUpdate[] {
    const tombstone = this.table.tombstoneOf(id)
    if (tombstone === undefined || this.table.has(id)) return []
    return [{ id, name: id, addresses: [], incarnation: tombstone.incarnation, state: 'dead', meta: {}, from: this.self }]
  }

  private pushPullMessage (): SwimMessage {
    return { type: MessageType.PushPull, seq: this.nextSeq(), members: this.table.list(), updates: [] }
  }

  /** A remote table's dead is only a suspicion here: this node may still reach the member (memberlist mergeState). */
  private mergeRemoteState (from: NodeId, members: Member[]): void {
    for (const member of members) {
      this.applyUpdate({ ...member, state: member.state === 'dead' ? 'suspect' : member.state, from }, false)
    }
  }

  private piggyback (max = this.config.maxPiggyback): MemberUpdate[] {
    return this.queue.takePiggyback(max, retransmitLimit(this.config.retransmitMult, this.table.activeCount()))
  }

  private nextSeq (): number {
    return ++this.seq
  }

  // ---- state changes ----

  private receiveUpdates (updates: MemberUpdate[]): void {
    for (const update of updates) this.applyUpdate(update, false)
  }

  /** Applies one claim about a member; `originatedHere` claims are also published on the topic. */
  private applyUpdate (update: MemberUpdate, originatedHere: boolean): void {
    if (update.id === this.self) {
      this.handleClaimAboutSelf(update)
      return
    }
    const decision = this.table.decide(update)
    if (decision === 'confirm') {
      // A new independent accuser shortens the timeout; pass it on so others can count it too.
      if (this.suspicions.get(update.id)?.confirm(update.from) === true) this.disseminate(update, originatedHere)
      return
    }
    if (decision === 'ignore') return
    const change = this.table.apply(update, this.clock.now()) as MemberChange
    this.disseminate(update, originatedHere)
    if (update.state === 'forgotten') this.afterForget(change.current, update.from)
    else this.afterChange(change, update.from)
  }

  private afterForget (member: Member, from: NodeId): void {
    this.cancelSuspicion(member.id)
    this.downSince.delete(member.id)
    this.log('%s forgot %s', from, member.id)
    this.emit('member:forget', member, member.state)
  }

  /** Queues an update for piggybacking, and for the topic too if this node originated it. */
  private disseminate (update: MemberUpdate, publish: boolean): void {
    this.queue.enqueue(update, { publish })
    if (publish) this.scheduleGossip()
  }

  private afterChange ({ previous, current }: MemberChange, from: NodeId): void {
    if (previous === undefined) this.addToProbeOrder(current.id)
    if (current.state === 'alive' && current.addresses.length > 0) this.transport.addAddresses(current.id, current.addresses)
    if (current.state === 'suspect') this.startSuspicion(current, from)
    else this.cancelSuspicion(current.id)
    if (current.state === 'alive' || current.state === 'suspect') this.downSince.delete(current.id)
    else if (!this.downSince.has(current.id)) this.downSince.set(current.id, this.clock.now())
    const event = transitionEvent(previous, current)
    if (event !== undefined) this.emit(event, current, previous?.state)
  }

  private handleClaimAboutSelf (claim: MemberUpdate): void {
    const local = this.localMember
    if (claim.state === 'alive' && claim.incarnation <= local.incarnation) return
    if (claim.state !== 'alive' && (claim.incarnation < local.incarnation || this.leaving)) return
    this.refute(claim)
  }

  /** Outbids a claim about ourselves with a higher incarnation, publishes it and tells the accuser directly. */
  private refute (claim: MemberUpdate): void {
    this.awareness.applyDelta(1)
    const local = this.localMember
    this.setLocal({ ...local, state: 'alive', incarnation: Math.max(local.incarnation, claim.incarnation) + 1 })
    this.log('refuted %s about us from %s', claim.state, claim.from)
    if (claim.state === 'alive' || claim.from === this.self || !this.running) return
    const notice: SwimMessage = { type: MessageType.Notify, seq: this.nextSeq(), updates: [toUpdate(this.localMember, this.self)] }
    void this.exchange(claim.from, notice, this.config.probeTimeoutMs)
  }

  private setLocal (member: Member): void {
    this.table.set(member)
    this.broadcastLocal()
  }

  /** Queues the local member's current record for piggybacking and publishing. */
  private broadcastLocal (): void {
    this.disseminate(toUpdate(this.localMember, this.self), true)
  }

  private startSuspicion (member: Member, from: NodeId): void {
    this.cancelSuspicion(member.id)
    // Expect suspicionMult - 2 confirmations, so that the nominal timeout is reached two probe periods early;
    // none when the cluster is too small to give them (n excludes ourselves and the suspect).
    const n = this.table.activeCount()
    const expected = this.config.suspicionMult - 2
    const k = n - 2 < expected ? 0 : expected
    const minMs = suspicionTimeout(this.config.suspicionMult, n, this.config.probeIntervalMs)
    this.suspicions.set(member.id, new Suspicion({
      clock: this.clock,
      from,
      k,
      minMs,
      maxMs: this.config.suspicionMaxTimeoutMult * minMs,
      onTimeout: () => {
        this.suspicions.delete(member.id)
        const current = this.table.get(member.id)
        if (!this.running || current?.state !== 'suspect' || current.incarnation !== member.incarnation) return
        this.log('suspicion of %s timed out, declaring it dead', member.id)
        // Every member that heard the suspicion times out at about the same moment; if all of them published,
        // the topic would carry n^2 messages. Only the accuser publishes; the others piggyback.
        this.applyUpdate({ ...current, state: 'dead', from: this.self }, from === this.self)
      }
    }))
  }

  private cancelSuspicion (id: NodeId): void {
    this.suspicions.get(id)?.cancel()
    this.suspicions.delete(id)
  }

  /** A new member goes to a random place in the current pass, so it is probed within one round (memberlist). */
  private addToProbeOrder (id: NodeId): void {
    const at = this.probeIndex + randomInt(this.random, this.probeOrder.length - this.probeIndex + 1)
    this.probeOrder.splice(at, 0, id)
  }

  private emit (event: MemberEventName, member: Member, previousState: MemberState | undefined): void {
    for (const err of this.emitter.emit(event, { member, previousState, time: this.clock.now() })) {
      this.log.error('%s listener failed: %s', event, (err as Error).message)
    }
  }

  // ---- timers ----

  private scheduleLoops (): void {
    // Random first offsets keep members from probing and exchanging in lockstep.
    this.scheduleProbe(Math.floor(this.random.next() * this.config.probeIntervalMs))
    this.schedulePushPull(Math.floor(this.random.next() * this.config.pushPullIntervalMs))
    this.scheduleReap()
  }

  private cancelLoops (): void {
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer)
    if (this.pushPullTimer !== undefined) this.clock.clearTimeout(this.pushPullTimer)
    if (this.reapTimer !== undefined) this.clock.clearTimeout(this.reapTimer)
    this.probeTimer = undefined
    this.pushPullTimer = undefined
    this.reapTimer = undefined
  }

  // Each loop belongs to one start(): a probe still in flight when stop() and start() run again must not schedule
  // a second chain. A failed round is logged and the loop goes on (background loops never throw).
  private scheduleProbe (delayMs: number): void {
    const generation = this.generation
    this.probeTimer = this.clock.setTimeout(() => {
      const started = this.clock.now()
      void this.probe().catch((err: unknown) => { this.log.error('probe round failed: %s', err) }).then(() => {
        if (!this.running || this.leaving || generation !== this.generation) return
        // The period stretches with local health; a probe that ran long eats into it.
        const interval = this.awareness.scaleTimeout(this.config.probeIntervalMs)
        this.scheduleProbe(Math.max(0, interval - (this.clock.now() - started)))
      })
    }, delayMs)
  }

  private schedulePushPull (delayMs: number): void {
    const generation = this.generation
    this.pushPullTimer = this.clock.setTimeout(() => {
      void this.pushPull().catch((err: unknown) => { this.log.error('push/pull round failed: %s', err) }).then(() => {
        if (!this.running || this.leaving || generation !== this.generation) return
        this.schedulePushPull(pushPullScale(this.config.pushPullIntervalMs, this.table.activeCount()))
      })
    }, delayMs)
  }

  private scheduleReap (): void {
    const generation = this.generation
    const intervalMs = this.reapAfterMs > 0 ? Math.min(REAP_INTERVAL_MS, this.reapAfterMs) : REAP_INTERVAL_MS
    this.reapTimer = this.clock.setTimeout(() => {
      if (!this.running || this.leaving || generation !== this.generation) return
      this.reap()
      this.scheduleReap()
    }, intervalMs)
  }

  /** Publishing is batched: the first update originated here arms one timer for the gossip interval. */
  private scheduleGossip (): void {
    if (this.gossipTimer !== undefined || !this.running) return
    this.gossipTimer = this.clock.setTimeout(() => {
      this.gossipTimer = undefined
      this.gossip().catch((err: unknown) => { this.log.error('gossip round failed: %s', err) })
    }, this.config.gossipIntervalMs)
  }
}

function transitionEvent (previous: Member | undefined, current: Member): MemberEventName | undefined {
  switch (current.state) {
    case 'alive':
      if (previous === undefined || previous.state === 'dead' || previous.state === 'left') return 'member:join'
      if (previous.state === 'suspect') return 'member:alive'
      return changedDetails(previous, current) ? 'member:update' : undefined
    case 'suspect':
      return 'member:suspect'
    case 'dead':
      return 'member:dead'
    case 'left':
      return 'member:left'
  }
}

function changedDetails (a: Member, b: Member): boolean {
  return a.name !== b.name ||
    a.addresses.join('\n') !== b.addresses.join('\n') ||
    JSON.stringify(a.meta) !== JSON.stringify(b.meta)
}

/** The factory form (STYLE.md section 2). */
export function swim (init: SwimInit = {}): (components: SwimComponents) => Swim {
  return (components) => new Swim(components, init)
}
