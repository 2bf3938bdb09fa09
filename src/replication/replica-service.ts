import { errorToWire, ProtocolError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import type { Clock, TimerId } from '../common/clock.js'
import { BATCH_BYTES, VERSION_FALLBACK_MS } from '../net/constants.js'
import type { NodeId, Transport } from '../net/transport.js'
import type { ReplicaLegs, ReplicaWriteAck, ReplicaWriteItem, ReplicaWriteKind } from './coordinator.js'
import type { ReplicationCounters } from './counters.js'
import type { HintStore } from './hints.js'
import type { HybridClock } from './hlc.js'
import type { ReplicaStore } from './replica-store.js'
import { decodeReplicaReply, decodeReplicaRequest, encodeReplicaReply, encodeReplicaRequest } from './replica-codec.js'
import { newestTs, type KeyState } from './version.js'

/** Replica reads and writes between members, on their own protocol next to the client one: binary (replica-codec.ts). */
export const REPLICA_PROTOCOL = '/dcache/replica/2.0.0'
/** The same requests as msgpack maps: still served, for members that send them. */
export const REPLICA_PROTOCOL_V1 = '/dcache/replica/1.0.0'

/** APPEND ONLY: op and field names are on the wire. */
export type ReplicaRequest =
  // budget: value bytes the answer may carry; the keys past it are left out (the caller asks again)
  | { op: 'read', keys: string[], budget?: number }
  | { op: 'write', kind: ReplicaWriteKind, items: ReplicaWriteItem[] }

/** Keys per hint delivery request: large enough to drain quickly, small enough for one frame. */
const HINT_BATCH_KEYS = 256
/** Deadline of one hint delivery request, ms. */
const HINT_DELIVERY_TIMEOUT_MS = 5000

export interface ReplicaServiceComponents {
  transport: Transport
  clock: Clock
  hlc: HybridClock
  store: ReplicaStore
  hints: HintStore
  counters: ReplicationCounters
  isAlive: (id: NodeId) => boolean
  /** Whether this member is one of the key's N primaries (a fallback drops its copy once the hint is delivered). */
  holds: (key: string) => boolean
  /** Forgets this member's copy of a key. */
  drop: (key: string) => void
}

export interface ReplicaServiceInit {
  /** How often hints are offered to members that are alive again, ms. */
  hintDeliveryIntervalMs: number
}

/**
 * Serves the replica protocol (reads and versioned writes of this member's copies, hints taken as a fallback), gives
 * the coordinator its legs (served in-process for this member itself), and delivers hints when their member is back.
 */
export class ReplicaService implements ReplicaLegs {
  private timer: TimerId | undefined
  private running = false
  private delivering = false
  /**
   * Members found to serve only version 1 of the replica protocol (an older version, during a rolling upgrade), until
   * when: a member upgraded meanwhile, or only starting when it was asked, gets version 2 again after that.
   */
  private readonly v1Members = new Map<NodeId, number>()

  constructor (private readonly components: ReplicaServiceComponents, private readonly init: ReplicaServiceInit) {}

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    await this.components.transport.handle(REPLICA_PROTOCOL, async (_from, data) => {
      const req = decodeReplicaRequest(data)
      return encodeReplicaReply(req, this.serve(req))
    })
    await this.components.transport.handle(REPLICA_PROTOCOL_V1, async (_from, data) => encodeValue(this.serve(checkRequest(decodeValue(data)))))
    this.schedule()
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    if (this.timer !== undefined) this.components.clock.clearTimeout(this.timer)
    this.timer = undefined
    // version 1 first: while stopping, a member never looks like one that serves only version 1
    await this.components.transport.unhandle(REPLICA_PROTOCOL_V1)
    await this.components.transport.unhandle(REPLICA_PROTOCOL)
  }

  async read (to: NodeId, keys: string[], timeoutMs: number): Promise<Array<KeyState | null>> {
    return await this.leg(to, { op: 'read', keys, budget: BATCH_BYTES }, timeoutMs) as Array<KeyState | null>
  }

  async write (to: NodeId, kind: ReplicaWriteKind, items: ReplicaWriteItem[], timeoutMs: number): Promise<ReplicaWriteAck[]> {
    return await this.leg(to, { op: 'write', kind, items }, timeoutMs) as ReplicaWriteAck[]
  }

  /** One pass of hint delivery: each member that is alive again gets a batch of the keys hinted for it. */
  async deliverHints (): Promise<number> {
    if (this.delivering) return 0
    this.delivering = true
    const { hints, store, clock } = this.components
    let delivered = 0
    try {
      hints.expire(clock.now())
      await Promise.all(hints.targets().filter((t) => this.components.isAlive(t)).map(async (target) => {
        const batch = hints.batch(target, HINT_BATCH_KEYS).flatMap(({ key, seq }) => {
          const state = store.read(key)
          if (state === undefined) hints.discard(target, key)
          return state === undefined ? [] : [{ key, seq, state }]
        })
        if (batch.length === 0) return
        const acks = await this.write(target, 'hint', batch.map(({ key, state }) => ({ key, state })), HINT_DELIVERY_TIMEOUT_MS)
        batch.forEach(({ key, seq }, i) => {
          if (acks[i]?.ok !== true || !hints.settle(target, key, seq)) return
          delivered++
          if (!this.components.holds(key)) this.components.drop(key)
        })
      }).map(async (p) => { await p.catch(() => {}) }))
    } finally {
      this.delivering = false
    }
    return delivered
  }

  private async leg (to: NodeId, req: ReplicaRequest, timeoutMs: number): Promise<Array<KeyState | null> | ReplicaWriteAck[]> {
    const { transport } = this.components
    if (to === transport.self) return this.serve(req)
    const now = this.components.clock.now()
    if ((this.v1Members.get(to) ?? 0) <= now) {
      try {
        return decodeReplicaReply(req, await transport.request(to, REPLICA_PROTOCOL, encodeReplicaRequest(req), { timeoutMs }))
      } catch (err) {
        // a member of an older version serves only version 1; it refused this before acting on it
        if (!(err instanceof ProtocolError && err.message.startsWith(`no handler for ${REPLICA_PROTOCOL}`))) throw err
        this.v1Members.set(to, now + VERSION_FALLBACK_MS)
      }
    }
    return decodeValue(await transport.request(to, REPLICA_PROTOCOL_V1, encodeValue(req), { timeoutMs })) as Array<KeyState | null> | ReplicaWriteAck[]
  }

  private serve (req: ReplicaRequest): Array<KeyState | null> | ReplicaWriteAck[] {
    const { store, counters, hlc } = this.components
    if (req.op === 'read') {
      const states: Array<KeyState | null> = []
      let bytes = 0
      for (const key of req.keys) {
        if (states.length > 0 && typeof req.budget === 'number' && bytes >= req.budget) break
        const state = store.readForClient(key) ?? null
        if (state !== null) for (const sibling of state) bytes += sibling.value?.length ?? 0
        states.push(state)
      }
      counters.replicaReads += states.length
      return states
    }
    counters.replicaWrites += req.items.length
    return req.items.map(({ key, state, hintFor }): ReplicaWriteAck => {
      try {
        hlc.observe(newestTs(state))
        const applied = store.apply(key, state)
        if (req.kind === 'write') counters.conflicts += applied.discarded
        if (hintFor !== undefined && hintFor !== null) this.components.hints.add(hintFor, key, this.components.clock.now())
        return { ok: true, existed: applied.existed }
      } catch (err) {
        return { ok: false, error: errorToWire(err) }
      }
    })
  }

  private schedule (): void {
    this.timer = this.components.clock.setTimeout(() => {
      void this.deliverHints().finally(() => { if (this.running) this.schedule() })
    }, this.init.hintDeliveryIntervalMs)
  }
}

/** A replica request from a peer: checked before it touches the store, so a malformed one is refused, not applied. */
function checkRequest (req: unknown): ReplicaRequest {
  const r = req as Partial<{ op: unknown, keys: unknown, budget: unknown, kind: unknown, items: unknown }>
  if (r?.op === 'read' && Array.isArray(r.keys) && r.keys.every((k) => typeof k === 'string') && (r.budget === undefined || r.budget === null || typeof r.budget === 'number')) {
    return req as ReplicaRequest
  }
  if (r?.op === 'write' && (r.kind === 'write' || r.kind === 'repair' || r.kind === 'hint') && Array.isArray(r.items) &&
    r.items.every((i: { key?: unknown, state?: unknown }) => typeof i?.key === 'string' && isState(i.state))) return req as ReplicaRequest
  throw new ProtocolError(`malformed replica request (op ${JSON.stringify(r?.op)})`)
}

function isState (state: unknown): boolean {
  return Array.isArray(state) && state.length > 0 && state.every((s: Partial<Record<string, unknown>>) =>
    typeof s?.actor === 'number' && typeof s.ts === 'number' && Array.isArray(s.context) && typeof s.expiresAt === 'number' &&
    (s.value === null || s.value instanceof Uint8Array))
}
