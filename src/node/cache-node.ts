import { ConfigurationError, NodeUnavailableError, errorToWire } from '../common/errors.js'
import { MAX_VIRTUAL_NODES } from '../config/defaults.js'
import { decodeValue, encodeValue } from '../store/codec.js'
import { LocalCache } from '../store/index.js'
import { HashRing } from '../ring/index.js'
import { HealthMonitor, Swim } from '../membership/index.js'
import { call } from './rpc.js'
import { CACHE_PROTOCOL } from './protocol.js'
import { NodeStatsRecorder, type NodeStats } from './stats.js'
import { EventLog } from './event-log.js'
import { validateRequest } from './validate-request.js'
import type { Clock } from '../common/clock.js'
import type { Random } from '../common/random.js'
import type { CacheConfig } from '../config/index.js'
import type { NodeId, Transport } from '../net/transport.js'
import type { Member, MemberEvent, MembershipEvents } from '../membership/index.js'
import type { CacheRequest, ClusterInfo, KeyResult, MemberView, TtlResult } from './protocol.js'

export interface CacheNodeComponents {
  transport: Transport
  clock: Clock
  random: Random
  /** Called after a graceful `removeNode` of this node has announced `left` (the process exits then). */
  onRemoved?: () => void
}

/** Keys examined per turn of the event loop when dropping keys that moved to other members. */
const PURGE_CHUNK_KEYS = 5000

const RING_EVENTS: Array<keyof MembershipEvents> = ['member:join', 'member:alive', 'member:suspect', 'member:dead', 'member:left', 'member:update']

/**
 * One cluster member: the engine holds its share of the keys, the ring says who owns what, SWIM says who is alive.
 * Any member accepts any request and forwards a key's operation to its owner (one owner per key until replication).
 */
export class CacheNode {
  readonly engine: LocalCache
  readonly ring: HashRing
  readonly membership: Swim
  readonly health: HealthMonitor
  readonly events: EventLog
  private readonly transport: Transport
  private readonly stats: NodeStatsRecorder
  private readonly unsubscribers: Array<() => void> = []
  private started = false
  private leaving = false
  /** The running pass of dropForeignKeys, if any; `again` asks for one more pass after a further ring change. */
  private purge: { keys: IterableIterator<string>, dropped: number, again: boolean } | undefined

  constructor (private readonly components: CacheNodeComponents, readonly config: Readonly<CacheConfig>) {
    this.transport = components.transport
    this.engine = new LocalCache({
      maxMemory: config.maxMemory,
      evictionPolicy: config.evictionPolicy,
      defaultTtl: config.defaultTtl,
      maxKeyBytes: config.maxKeyBytes,
      maxValueBytes: config.maxValueBytes,
      compressionThreshold: config.compressionThreshold,
      clock: components.clock
    })
    this.ring = new HashRing()
    this.membership = new Swim({ transport: this.transport, clock: components.clock, random: components.random }, {
      preset: config.membershipPreset,
      clusterName: config.clusterName,
      name: config.name,
      addresses: this.transport.addresses(),
      meta: { vnodes: config.virtualNodes },
      // Plain SWIM: no local-health stretching, and suspicions time out at the minimum without waiting for confirmations.
      ...(config.lifeguard ? {} : { awarenessMax: 1, suspicionMaxTimeoutMult: 1 })
    })
    this.health = new HealthMonitor(this.membership, components.clock.now())
    this.events = new EventLog(components.clock)
    this.stats = new NodeStatsRecorder(components.clock)
  }

  get id (): NodeId {
    return this.transport.self
  }

  /**
   * Deadline of a request this node sends on behalf of a caller (a forward, a fan-out leg): half the request
   * deadline, so that a silent member costs the caller an error from this node, not a timeout of its own (which
   * the caller would take as this node being unreachable).
   */
  private get legTimeoutMs (): number {
    return Math.max(1, Math.floor(this.config.requestTimeout / 2))
  }

  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    this.ring.addNode(this.id, this.config.virtualNodes)
    for (const event of RING_EVENTS) {
      this.unsubscribers.push(this.membership.on(event, (e) => { this.onMemberEvent(event, e as MemberEvent) }))
    }
    // `?? null`: msgpack values cannot be undefined at the top level, and some operations return nothing
    await this.transport.handle(CACHE_PROTOCOL, async (from, data) => encodeValue(await this.serve(from, validateRequest(decodeValue(data))) ?? null))
    this.engine.start()
    await this.membership.start()
  }

  /** Joins the cluster through seed addresses; returns the ids of the seeds that answered. */
  async join (addresses: string[]): Promise<NodeId[]> {
    const seeds: NodeId[] = []
    const failures: string[] = []
    for (const address of addresses) {
      try {
        seeds.push(await this.transport.connect(address, { signal: AbortSignal.timeout(this.config.requestTimeout) }))
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`)
        this.events.record('error', `cannot reach ${address}: ${(err as Error).message}`)
      }
    }
    if (seeds.length === 0 && addresses.length > 0) throw new NodeUnavailableError(`no seed reachable (${failures.join('; ')})`)
    await this.membership.join(seeds)
    return seeds
  }

  /** Announces `left` and stops; other members take it out of their rings at once. */
  async leave (): Promise<void> {
    this.leaving = true
    await this.membership.leave()
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.purge = undefined
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    await this.membership.stop()
    this.health.close()
    await this.transport.unhandle(CACHE_PROTOCOL)
    this.engine.stop()
  }

  /** Serves one request from a client or a peer, forwarding key operations to their owner. */
  async serve (from: NodeId, req: CacheRequest): Promise<unknown> {
    // performance.now: latencies are sub-millisecond, below the clock's resolution
    const started = performance.now()
    try {
      if (this.leaving && req.op !== 'cluster' && req.op !== 'stats') throw new NodeUnavailableError(`node ${this.id} is leaving the cluster`)
      const result = await this.dispatch(from, req)
      this.stats.record(req.op, performance.now() - started, true)
      return result
    } catch (err) {
      this.stats.record(req.op, performance.now() - started, false)
      throw err
    }
  }

  private async dispatch (from: NodeId, req: CacheRequest): Promise<unknown> {
    switch (req.op) {
      case 'get': return await this.keyed(req.key, req, () => this.readEncoded(req.key))
      case 'put': return await this.keyed(req.key, req, () => { this.engine.putEncoded(req.key, req.value, { ttl: req.ttl }); return true })
      case 'exists': return await this.keyed(req.key, req, () => this.engine.exists(req.key))
      case 'incr': return await this.keyed(req.key, req, () => this.engine.increment(req.key, req.delta))
      case 'getset': return await this.keyed(req.key, req, () => {
        const old = this.engine.getAndSet(req.key, decodeValue(req.value))
        return old === undefined ? null : encodeValue(old)
      })
      case 'touch': return await this.keyed(req.key, req, () => this.engine.touch(req.key, req.ttl))
      case 'ttl': return await this.keyed(req.key, req, (): TtlResult => this.ttlOf(req.key))
      case 'delete': return await this.multiKey(req.keys, req, (keys) => ({ op: 'delete', keys, local: true }), (key) => this.engine.delete(key))
      case 'mget': return await this.multiKey(req.keys, req, (keys) => ({ op: 'mget', keys, local: true }), (key) => this.readEncoded(key))
      case 'mput': {
        const values = new Map(req.entries)
        return await this.multiKey(req.entries.map(([k]) => k), req,
          (keys) => ({ op: 'mput', entries: keys.map((k): [string, Uint8Array] => [k, values.get(k) as Uint8Array]), ttl: req.ttl, local: true }),
          (key) => { this.engine.putEncoded(key, values.get(key) as Uint8Array, { ttl: req.ttl }); return true as const })
      }
      case 'clear': return await this.clear(req.local === true)
      case 'stats': return req.local === true ? this.localStats() : await this.clusterStats()
      case 'cluster': return this.clusterInfo()
      case 'addNode': return await this.addNode(req.address)
      case 'removeNode': return await this.removeNode(req.id, from)
      case 'events': return this.events.since(req.since ?? 0)
    }
  }

  /** Runs `local` if this node owns the key (or the request was already routed here), else forwards it. */
  private async keyed<T> (key: string, req: CacheRequest, local: () => T): Promise<T> {
    const owner = this.ring.owner(key)
    if (req.local === true || owner === undefined || owner === this.id) return local()
    this.stats.forwarded++
    return await call<T>(this.transport, owner, { ...req, local: true }, this.legTimeoutMs)
  }

  /** Serves its own keys locally, forwards the rest grouped by owner, and returns per-key results in order. */
  private async multiKey<T> (keys: string[], req: CacheRequest, makeRequest: (keys: string[]) => CacheRequest, local: (key: string) => T): Promise<Array<KeyResult<T>>> {
    const results = new Array<KeyResult<T>>(keys.length)
    const remote = new Map<NodeId, number[]>()
    keys.forEach((key, i) => {
      const owner = req.local === true ? this.id : this.ring.owner(key) ?? this.id
      if (owner === this.id) {
        try {
          results[i] = { key, ok: true, value: local(key) }
        } catch (err) {
          results[i] = { key, ok: false, error: errorToWire(err) }
        }
      } else {
        const group = remote.get(owner)
        if (group === undefined) remote.set(owner, [i])
        else group.push(i)
      }
    })
    await Promise.all([...remote].map(async ([owner, indexes]) => {
      this.stats.forwarded++
      try {
        const part = await call<Array<KeyResult<T>>>(this.transport, owner, makeRequest(indexes.map((i) => keys[i] as string)), this.legTimeoutMs)
        indexes.forEach((i, j) => { results[i] = part[j] as KeyResult<T> })
      } catch (err) {
        indexes.forEach((i) => { results[i] = { key: keys[i] as string, ok: false, error: errorToWire(err) } })
      }
    }))
    return results
  }

  /** A copy: the engine's bytes are a view into its slabs, valid only until its next write, and replies are encoded after an await. */
  private readEncoded (key: string): Uint8Array | null {
    return this.engine.getEncoded(key)?.slice() ?? null
  }

  private ttlOf (key: string): TtlResult {
    const ttl = this.engine.getTtl(key)
    if (ttl === undefined) return { state: 'missing' }
    if (ttl === null) return { state: 'persistent' }
    return { state: 'expiring', seconds: ttl }
  }

  /** Clears this node, and every other live member unless this is already one leg of a fan-out. */
  private async clear (localOnly: boolean): Promise<number> {
    const removed = this.engine.size
    this.engine.clear()
    if (localOnly) return removed
    const members = this.otherAliveMembers()
    const results = await Promise.allSettled(members.map(async (id) => await call<number>(this.transport, id, { op: 'clear', local: true }, this.legTimeoutMs)))
    const total = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), removed)
    const failed = members.filter((_, i) => results[i]?.status === 'rejected')
    if (failed.length > 0) throw new NodeUnavailableError(`cleared ${total} keys, but ${failed.length} member(s) did not answer: ${failed.join(', ')}`)
    return total
  }

  private localStats (): NodeStats {
    return this.stats.snapshot(this.id, this.config.name, this.engine.stats())
  }

  /** Every live member's statistics; a member that does not answer is left out rather than failing the call. */
  private async clusterStats (): Promise<NodeStats[]> {
    const others = await Promise.allSettled(this.otherAliveMembers().map(async (id) => await call<NodeStats>(this.transport, id, { op: 'stats', local: true }, this.legTimeoutMs)))
    return [this.localStats(), ...others.flatMap((r) => r.status === 'fulfilled' ? [r.value] : [])]
  }

  clusterInfo (): ClusterInfo {
    const ownership = this.ring.ownership()
    const members: MemberView[] = this.membership.members().map((m) => {
      const health = this.health.get(m.id)
      return {
        id: m.id,
        name: m.name,
        addresses: m.addresses,
        state: m.state,
        incarnation: m.incarnation,
        vnodes: this.ring.hasNode(m.id) ? this.ring.tokens(m.id).length : 0,
        ownership: ownership.get(m.id) ?? 0,
        lastAckAt: health?.lastAckAt,
        rttMs: health?.lastRttMs
      }
    })
    return { self: this.id, members, ring: this.ring.toJSON() }
  }

  /** Contacts a running node at `address` and brings it into this cluster (it pulls the member table from us). */
  private async addNode (address: string): Promise<NodeId> {
    const id = await this.transport.connect(address, { signal: AbortSignal.timeout(this.config.requestTimeout) })
    await this.membership.join([id])
    return id
  }

  /** Graceful removal of `id`: itself announces `left` and exits; another member passes the request on. */
  private async removeNode (id: NodeId, from: NodeId): Promise<void> {
    const member = this.membership.get(id)
    if (member === undefined) throw new ConfigurationError(`no member with id ${id}`, 'id')
    if (member.state === 'dead' || member.state === 'left') throw new ConfigurationError(`${member.name} (${id}) is already ${member.state}`, 'id')
    if (this.membership.aliveMembers().length <= 1) throw new ConfigurationError(`${id} is the last member of the cluster; stop it instead`, 'id')
    if (id !== this.id) {
      await call<void>(this.transport, id, { op: 'removeNode', id }, this.legTimeoutMs)
      return
    }
    this.events.record('left', `removal requested by ${from}`)
    await this.leave()
    // answer first, then let the process go
    this.components.clock.setTimeout(() => this.components.onRemoved?.(), 0)
  }

  private otherAliveMembers (): NodeId[] {
    return this.membership.aliveMembers().map((m) => m.id).filter((id) => id !== this.id)
  }

  /** Keeps the ring in step with membership: alive members in, dead and left ones out. */
  private onMemberEvent (event: keyof MembershipEvents, e: MemberEvent): void {
    const m = e.member
    if (m.id === this.id) return
    const vnodes = this.vnodesOf(m)
    if (event === 'member:join' || (event === 'member:alive' && !this.ring.hasNode(m.id))) {
      this.ring.addNode(m.id, vnodes)
      this.dropForeignKeys()
    } else if (event === 'member:dead' || event === 'member:left') {
      this.ring.removeNode(m.id)
    } else if (event === 'member:update' && this.ring.hasNode(m.id) && this.ring.tokens(m.id).length !== vnodes) {
      this.ring.removeNode(m.id)
      this.ring.addNode(m.id, vnodes)
      this.dropForeignKeys()
    }
    this.events.fromMember(event, e)
  }

  /** A member's advertised vnode count; it comes from the network, so anything outside 1..MAX_VIRTUAL_NODES is ignored. */
  private vnodesOf (m: Member): number {
    const vnodes = Number(m.meta.vnodes)
    return Number.isInteger(vnodes) && vnodes >= 1 && vnodes <= MAX_VIRTUAL_NODES ? vnodes : this.config.virtualNodes
  }

  /**
   * Drops the keys this node no longer owns after the ring gained a member. With one owner per key and no hand-off
   * yet, a stale copy would come back to life if ownership returned here (a join, then a leave): a miss is better.
   * Works in chunks so a large cache never stalls the event loop (SWIM probes must still be answered in time).
   */
  private dropForeignKeys (): void {
    if (this.purge !== undefined) {
      this.purge.again = true
      return
    }
    const purge = { keys: this.engine.keys(), dropped: 0, again: false }
    this.purge = purge
    const step = (): void => {
      if (!this.started) return
      for (let n = 0; n < PURGE_CHUNK_KEYS; n++) {
        const next = purge.keys.next()
        if (next.done === true) {
          this.purge = undefined
          if (purge.dropped > 0) this.events.record('ring:change', `dropped ${purge.dropped} keys now owned by other members (no hand-off yet)`)
          if (purge.again) this.dropForeignKeys()
          return
        }
        if (this.ring.owner(next.value) !== this.id && this.engine.delete(next.value)) purge.dropped++
      }
      this.components.clock.setTimeout(step, 0)
    }
    step()
  }
}
