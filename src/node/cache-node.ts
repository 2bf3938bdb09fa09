import { errorToWire, NodeUnavailableError, ProtocolError } from '../common/errors.js'
import { MAX_VIRTUAL_NODES } from '../config/defaults.js'
import { LocalCache } from '../store/index.js'
import { HashRing } from '../ring/index.js'
import { HealthMonitor, Swim } from '../membership/index.js'
import { actorOf, Coordinator, HintStore, HybridClock, ReplicaService, ReplicaStore, ReplicationCounters } from '../replication/index.js'
import { call } from './rpc.js'
import { CACHE_PROTOCOL } from './protocol.js'
import { NodeStatsRecorder, type CpuTime, type NodeStats } from './stats.js'
import { EventLog } from './event-log.js'
import { logNodeEvent, NodeReports } from './log.js'
import { validateRequest } from './validate-request.js'
import { decodeRequest, encodeReply } from './request-codec.js'
import { Placement } from './placement.js'
import { RequestRouter } from './request-router.js'
import { KeyHandlers } from './handlers/keys.js'
import { ClusterHandlers } from './handlers/cluster.js'
import type { Clock } from '../common/clock.js'
import { silentLog, type Log } from '../common/log.js'
import type { Random } from '../common/random.js'
import type { CacheConfig } from '../config/index.js'
import type { NodeId, RequestHandler, Transport } from '../net/transport.js'
import { MEMBER_EVENTS, type Member, type MemberEvent, type MemberEventName } from '../membership/index.js'
import { replyTs, type BatchResult, type CacheRequest } from './protocol.js'
import { shortId } from '../common/short-id.js'

export interface CacheNodeComponents {
  transport: Transport
  clock: Clock
  random: Random
  /** Called after a graceful `removeNode` of this node has announced `left` (the process exits then). */
  onRemoved?: () => void
  /** Gets a line per member event, ring change and hint summary, and membership's own debug lines. @default silentLog */
  log?: Log
  /** The CPU time statistics report. @default processCpuTime (this process's) */
  cpuTime?: () => CpuTime
}

/** How often a member offers its hints to members that are alive again, ms (also on every member:alive). */
const HINT_DELIVERY_INTERVAL_MS = 1000
/** Room in an engine entry for its version metadata, beyond the value itself. */
const VERSION_HEADROOM_BYTES = 64 * 1024
/** Bytes of hinted keys one member holds at most. */
const MAX_HINT_BYTES = 64 * 1024 * 1024

/**
 * One cluster member: wiring and lifecycle. The engine holds this member's copies, the ring places each key on N
 * members, SWIM says who is alive; the request router hands each client request to its handler, and the
 * coordinator turns keyed requests into replica reads and writes at the request's level.
 */
export class CacheNode {
  readonly engine: LocalCache
  readonly ring: HashRing
  readonly membership: Swim
  readonly health: HealthMonitor
  readonly events: EventLog
  readonly placement: Placement
  readonly replicas: ReplicaService
  readonly hints: HintStore
  private readonly transport: Transport
  private readonly stats: NodeStatsRecorder
  private readonly counters = new ReplicationCounters()
  private readonly cluster: ClusterHandlers
  private readonly router: RequestRouter
  private readonly reports: NodeReports
  private readonly unsubscribers: Array<() => void> = []
  private started = false
  private leaving = false

  constructor (private readonly components: CacheNodeComponents, readonly config: Readonly<CacheConfig>) {
    const { clock } = components
    const log = components.log ?? silentLog
    this.transport = components.transport
    this.engine = new LocalCache({
      maxMemory: config.maxMemory,
      evictionPolicy: config.evictionPolicy,
      defaultTtl: config.defaultTtl,
      maxKeyBytes: config.maxKeyBytes,
      // versions ride with each value, and under 'siblings' the concurrent values too; the coordinator holds values to maxValueBytes
      maxValueBytes: config.maxValueBytes * (config.conflictResolution === 'siblings' ? config.maxSiblings : 1) + VERSION_HEADROOM_BYTES,
      compressionThreshold: config.compressionThreshold,
      clock
    })
    this.ring = new HashRing()
    this.membership = new Swim({ transport: this.transport, clock, random: components.random, logger: log }, {
      preset: config.membershipPreset,
      clusterName: config.clusterName,
      name: config.name,
      addresses: this.transport.addresses(),
      meta: { vnodes: config.virtualNodes },
      reapAfterMs: config.reapAfter * 1000,
      // Plain SWIM: no local-health stretching, and suspicions time out at the minimum without waiting for confirmations.
      ...(config.lifeguard ? {} : { awarenessMax: 1, suspicionMaxTimeoutMult: 1 })
    })
    this.health = new HealthMonitor(this.membership, clock.now())
    this.events = new EventLog(clock, (event) => { logNodeEvent(log, event) })
    this.stats = new NodeStatsRecorder(clock, components.cpuTime)

    const hlc = new HybridClock(clock)
    const isAlive = (id: NodeId): boolean => this.membership.stateOf(id) === 'alive'
    this.placement = new Placement(this.ring, this.id, config.replicationFactor, isAlive)
    const store = new ReplicaStore(this.engine, {
      strategy: config.conflictResolution,
      maxSiblings: config.maxSiblings,
      tombstoneGraceMs: config.tombstoneGrace * 1000
    }, () => clock.now())
    this.hints = new HintStore({ maxHints: config.maxHints, maxBytes: MAX_HINT_BYTES, windowMs: config.hintWindow * 1000 })
    this.replicas = new ReplicaService({
      transport: this.transport,
      clock,
      hlc,
      store,
      hints: this.hints,
      counters: this.counters,
      isAlive,
      holds: (key) => this.placement.holds(key),
      drop: (key) => {
        this.engine.remove(key)
        this.reports.copyDropped()
      }
    }, { hintDeliveryIntervalMs: HINT_DELIVERY_INTERVAL_MS })
    this.reports = new NodeReports({
      clock, log, events: this.events, ring: this.ring, hints: this.hints, self: this.id, replicationFactor: config.replicationFactor,
      nameOf: (id) => this.membership.get(id)?.name ?? shortId(id)
    })
    const coordinator = new Coordinator({
      legs: this.replicas,
      targets: (key) => this.placement.targets(key),
      n: () => this.placement.n,
      hlc,
      counters: this.counters
    }, { actor: actorOf(this.id), strategy: config.conflictResolution, maxSiblings: config.maxSiblings, legTimeoutMs: this.legTimeoutMs })
    const keys = new KeyHandlers({
      coordinator, placement: this.placement, clock, self: this.id, forward: async (to, req) => await this.forward(to, req), checkKey: (key) => { this.engine.checkKey(key) }
    }, config)
    this.cluster = new ClusterHandlers(this, this.transport)
    // Plain functions, not async wrappers: each async layer costs every request a promise and a turn of the microtask
    // queue, and the router's try/catch sees a check's throw all the same.
    const checked = <R extends CacheRequest, T>(handle: (req: R) => Promise<T>) => (req: R): Promise<T> => {
      keys.check(req)
      return handle(req)
    }
    this.router = new RequestRouter({
      get: checked((req) => keys.get(req)),
      put: checked((req) => keys.put(req)),
      delete: checked((req) => keys.delete(req)),
      exists: checked((req) => keys.exists(req)),
      mget: checked((req) => keys.mget(req)),
      mput: checked((req) => keys.mput(req)),
      incr: checked((req) => keys.incr(req)),
      getset: checked((req) => keys.getset(req)),
      touch: checked((req) => keys.touch(req)),
      ttl: checked((req) => keys.ttl(req)),
      clear: async () => await this.cluster.clear(),
      stats: async () => await this.cluster.stats(),
      cluster: () => this.cluster.cluster(),
      addNode: async (req) => await this.cluster.addNode(req.address),
      removeNode: async (req, from) => { await this.cluster.removeNode(req.id, from) },
      forgetNode: (req) => this.cluster.forgetNode(req.id),
      events: (req) => this.cluster.events(req),
      batch: async (req, from) => await this.serveBatch(req, from)
    }, this.stats, () => this.leaving ? `node ${this.id} is leaving the cluster` : undefined)
  }

  get id (): NodeId {
    return this.transport.self
  }

  /**
   * Deadline of a request this node sends on behalf of a caller (a replica leg, a forward, a fan-out leg): a third
   * of the request deadline, so that a silent member costs the caller an error from this node well before the
   * caller gives up on this node (a client gives its first member half the deadline, then asks another).
   */
  get legTimeoutMs (): number {
    return Math.max(1, Math.floor(this.config.requestTimeout / 3))
  }

  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    this.ring.addNode(this.id, this.config.virtualNodes)
    for (const event of MEMBER_EVENTS) {
      this.unsubscribers.push(this.membership.on(event, (e) => { this.onMemberEvent(event, e) }))
    }
    await this.transport.handle(CACHE_PROTOCOL, this.serveEncoded)
    await this.replicas.start()
    await this.cluster.start()
    this.engine.start()
    this.reports.start()
    await this.membership.start()
  }

  /** Joins the cluster through seed addresses; returns the ids of the seeds that answered. */
  async join (addresses: string[]): Promise<NodeId[]> {
    const seeds: NodeId[] = []
    const failures: Array<{ address: string, err: Error }> = []
    for (const address of addresses) {
      try {
        seeds.push(await this.transport.connect(address, { signal: AbortSignal.timeout(this.config.requestTimeout) }))
      } catch (err) {
        failures.push({ address, err: err as Error })
        this.events.record('error', `cannot reach ${address}: ${(err as Error).message}`)
      }
    }
    if (seeds.length === 0 && failures.length > 0) {
      // one seed's own error is clearer than a list of one (a swarm key mismatch says so)
      if (failures.length === 1) throw (failures[0] as { err: Error }).err
      throw new NodeUnavailableError(`no seed reachable (${failures.map((f) => `${f.address}: ${f.err.message}`).join('; ')})`)
    }
    await this.membership.join(seeds)
    return seeds
  }

  /** Announces `left` and stops serving; other members take it out of their rings at once. */
  async leave (): Promise<void> {
    this.leaving = true
    await this.membership.leave()
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe()
    await this.membership.stop()
    this.health.close()
    await this.transport.unhandle(CACHE_PROTOCOL)
    await this.replicas.stop()
    await this.cluster.stop()
    this.engine.stop()
    this.reports.stop()
  }

  /** serve() on the wire: the encoded request in, the reply out in the request's form (the handler of CACHE_PROTOCOL). */
  readonly serveEncoded: RequestHandler = async (from, data) => {
    const { request, binary } = decodeRequest(data)
    const req = validateRequest(request)
    return encodeReply(req, await this.serve(from, req), binary)
  }

  /** Serves one client request (or one a member passed on). */
  serve (from: NodeId, req: CacheRequest): Promise<unknown> {
    return this.router.serve(from, req)
  }

  /**
   * A pipeline's requests, each served (and counted) as if it had come alone, and together as far as their keys allow,
   * so that the keyed ones share the coordinator's batch. A request on a key that an earlier one in the pipeline writes
   * (or that writes a key an earlier one reads) waits for it, so a pipeline applies in its order per key, as Redis's
   * does; a read after a write of its key also asks for at least that write's time, so that even at level one no replica
   * the write has not reached answers it. One request's error is its own answer, not the batch's.
   */
  private async serveBatch (req: Extract<CacheRequest, { op: 'batch' }>, from: NodeId): Promise<BatchResult[]> {
    const results = new Array<BatchResult>(req.ops.length)
    let wave: Array<Promise<void>> = []
    /** Keys of the requests in flight, and whether one of them writes it. */
    const inFlight = new Map<string, boolean>()
    /** The newest write time of each key an earlier request of the batch wrote. */
    const written = new Map<string, number>()
    let alone = false
    for (const [i, op] of req.ops.entries()) {
      let checked: CacheRequest
      try {
        checked = validateRequest(op)
        if (checked.op === 'batch') throw new ProtocolError('a batch cannot contain a batch')
      } catch (err) {
        results[i] = { ok: false, error: errorToWire(err) }
        continue
      }
      const keys = keysOf(checked)
      const writes = !READ_ONLY_OPS.has(checked.op)
      // a request without keys (clear, stats, ...) runs alone, between what came before it and what comes after
      if (wave.length > 0 && (alone || keys.length === 0 || keys.some((key) => inFlight.has(key) && (writes || inFlight.get(key) === true)))) {
        await Promise.all(wave)
        wave = []
        inFlight.clear()
      }
      alone = keys.length === 0
      for (const key of keys) inFlight.set(key, writes || inFlight.get(key) === true)
      if (!writes) readAfterWrites(checked, written)
      wave.push(this.serve(from, checked).then(
        (value) => {
          results[i] = { ok: true, value: value ?? null }
          if (writes) for (const key of keys) written.set(key, Math.max(written.get(key) ?? 0, replyTs(value)))
        },
        (err: unknown) => { results[i] = { ok: false, error: errorToWire(err) } }
      ))
    }
    await Promise.all(wave)
    return results
  }

  /** Passes a client request on to another member. */
  async forward<T> (to: NodeId, req: CacheRequest): Promise<T> {
    this.stats.forwarded++
    return await call<T>(this.transport, to, req, this.legTimeoutMs)
  }

  /** Empties this member's engine (its share of a cluster-wide clear); returns how many keys it held. */
  clearLocal (): number {
    const removed = this.engine.size
    this.engine.clear()
    return removed
  }

  localStats (): NodeStats {
    const engine = this.engine.stats()
    const hints = { pending: this.hints.pending, delivered: this.hints.delivered, dropped: this.hints.dropped }
    const stats = this.stats.snapshot(this.id, this.config.name, engine, this.counters.snapshot(hints, engine.tombstones), this.placement.n)
    const transport = this.transport.stats?.()
    return transport === undefined ? stats : { ...stats, transport }
  }

  otherAliveMembers (): NodeId[] {
    return this.membership.aliveMembers().map((m) => m.id).filter((id) => id !== this.id)
  }

  /** The end of a graceful removal of this member: announce `left`, answer, then let the process go. */
  async leaveOnRequest (from: NodeId): Promise<void> {
    this.events.record('left', `removal requested by ${from}`)
    await this.leave()
    this.components.clock.setTimeout(() => this.components.onRemoved?.(), 0)
  }

  /**
   * Keeps the ring in step with membership: members join it and leave it only by joining, leaving, or being
   * forgotten or reaped; a dead member keeps its ranges (fallbacks stand in for it with hints) until then. The event
   * log gets the member event first, then (once the burst is over) the ring change it caused.
   */
  private onMemberEvent (event: MemberEventName, e: MemberEvent): void {
    const m = e.member
    if (m.id === this.id) return
    this.events.fromMember(event, e)
    const vnodes = this.vnodesOf(m)
    if (event !== 'member:suspect' && event !== 'member:dead') this.reports.ringMayChange(m)
    if (event === 'member:join' || (event === 'member:alive' && !this.ring.hasNode(m.id))) {
      this.ring.addNode(m.id, vnodes)
    } else if (event === 'member:left' || event === 'member:forget' || event === 'member:reap') {
      this.ring.removeNode(m.id)
    } else if (event === 'member:update' && this.ring.hasNode(m.id) && this.ring.tokens(m.id).length !== vnodes) {
      this.ring.removeNode(m.id)
      this.ring.addNode(m.id, vnodes)
    }
    if (event === 'member:alive' && this.hints.targets().includes(m.id)) void this.replicas.deliverHints()
  }

  /** A member's advertised vnode count; it comes from the network, so anything outside 1..MAX_VIRTUAL_NODES is ignored. */
  private vnodesOf (m: Member): number {
    const vnodes = Number(m.meta.vnodes)
    return Number.isInteger(vnodes) && vnodes >= 1 && vnodes <= MAX_VIRTUAL_NODES ? vnodes : this.config.virtualNodes
  }
}

/** Operations that change no key. */
const READ_ONLY_OPS = new Set<CacheRequest['op']>(['get', 'exists', 'mget', 'ttl'])

/** Raises a read's session times to the write times an earlier request of its batch gave its keys. */
function readAfterWrites (req: CacheRequest, written: ReadonlyMap<string, number>): void {
  if ('key' in req) {
    const ts = written.get(req.key)
    if (ts !== undefined && ts > (typeof req.minTs === 'number' ? req.minTs : 0)) req.minTs = ts
  } else if (req.op === 'mget' && req.keys.some((key) => written.has(key))) {
    const given = Array.isArray(req.minTs) ? req.minTs : []
    req.minTs = req.keys.map((key, i) => Math.max(given[i] ?? 0, written.get(key) ?? 0))
  }
}

/** The keys a request reads or writes. */
function keysOf (req: CacheRequest): string[] {
  if ('key' in req) return [req.key]
  if ('keys' in req) return req.keys
  if ('entries' in req) return req.entries.map(([key]) => key)
  return []
}
