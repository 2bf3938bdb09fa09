import { ConfigurationError, errorToWire, SerializationError } from '../../common/errors.js'
import { addToCounter, checkDelta, type CounterDelta } from '../../store/counter.js'
import { decodeValue, encodeValue, valueSize } from '../../common/codec.js'
import { checkValueSize, describeKey } from '../../store/input-rules.js'
import { contextOf, newestTs, visibleValues, type Change, type Coordinator, type KeyState, type ReadResult, type WriteResult } from '../../replication/index.js'
import type { Clock } from '../../common/clock.js'
import type { CacheConfig, ConsistencyLevel } from '../../config/index.js'
import type { NodeId } from '../../net/transport.js'
import type { Placement } from '../placement.js'
import type { CacheRequest, DeleteReply, GetReply, KeyResult, Reply, TtlResult, WriteReply } from '../protocol.js'

type Req<Op extends CacheRequest['op']> = Extract<CacheRequest, { op: Op }>

export interface KeyHandlersComponents {
  coordinator: Coordinator
  placement: Placement
  clock: Clock
  self: NodeId
  /** Passes a request on to another member over the client protocol (a read-modify-write to its coordinator). */
  forward: <T>(to: NodeId, req: CacheRequest) => Promise<T>
  /** The engine's key rule, applied before anything is sent to a replica. */
  checkKey: (key: string) => void
}

/**
 * The keyed operations: each turns a client request into reads and writes of versions through the coordinator,
 * at the request's level. Read-modify-writes (incr, getset, touch) run on the key's coordinating member.
 */
export class KeyHandlers {
  constructor (private readonly components: KeyHandlersComponents, private readonly config: Readonly<CacheConfig>) {}

  /**
   * Refuses bad input here, with its own typed error, before any replica sees it (a refusal by every replica would
   * otherwise read as a failed quorum).
   */
  check (req: CacheRequest): void {
    if ('key' in req) this.components.checkKey(req.key)
    if ('keys' in req) for (const key of req.keys) this.components.checkKey(key)
    if ('entries' in req) for (const [key, value] of req.entries) { this.components.checkKey(key); this.checkValue(key, value) }
    if ('value' in req) this.checkValue(req.key, req.value)
  }

  /** maxValueBytes counts the value's own bytes (a string's or a byte array's), not its msgpack header. */
  private checkValue (key: string, value: Uint8Array): void {
    if (value.length === 0) throw new SerializationError(`value of ${describeKey(key)} must be non-empty msgpack bytes`)
    checkValueSize(key, valueSize(value), this.config.maxValueBytes)
  }

  async get (req: Req<'get'>): Promise<GetReply> {
    const state = await this.readOne(req.key, this.readLevel(req), req.minTs)
    return this.getReply(state, req.siblings === true)
  }

  async exists (req: Req<'exists'>): Promise<Reply<boolean>> {
    const state = await this.readOne(req.key, this.readLevel(req), req.minTs)
    return { value: this.visible(state).length > 0, ts: newestTs(state) }
  }

  async ttl (req: Req<'ttl'>): Promise<TtlResult> {
    const state = await this.readOne(req.key, this.readLevel(req), req.minTs)
    const ts = newestTs(state)
    const newest = this.visible(state)[0]
    if (newest === undefined) return { state: 'missing', ts }
    if (newest.expiresAt === 0) return { state: 'persistent', ts }
    return { state: 'expiring', seconds: (newest.expiresAt - this.components.clock.now()) / 1000, ts }
  }

  async mget (req: Req<'mget'>): Promise<Array<KeyResult<GetReply>>> {
    const minTs = Array.isArray(req.minTs) ? req.minTs : undefined
    const results = await this.components.coordinator.read(req.keys, this.readLevel(req), minTs)
    return results.map((r, i) => keyResult(req.keys[i] as string, r, (state) => this.getReply(state, false)))
  }

  async put (req: Req<'put'>): Promise<WriteReply> {
    const [result] = await this.components.coordinator.write([{ key: req.key, change: this.change(req.value, req.ttl, req.context) }], this.writeLevel(req))
    return writeReply(result as WriteResult)
  }

  async mput (req: Req<'mput'>): Promise<Array<KeyResult<WriteReply>>> {
    const changes = req.entries.map(([key, value]) => ({ key, change: this.change(value, req.ttl) }))
    const results = await this.components.coordinator.write(changes, this.writeLevel(req))
    return results.map((r, i) => keyResult(req.entries[i]?.[0] as string, r, () => writeReply(r)))
  }

  /**
   * Writes a tombstone per key. Under 'siblings' a delete first reads the key, so its tombstone covers every value it
   * saw (a blind one would stand beside them); under 'lww' the tombstone's later time is enough.
   */
  async delete (req: Req<'delete'>): Promise<Array<KeyResult<DeleteReply>>> {
    const level = this.writeLevel(req)
    if (this.config.conflictResolution === 'siblings') {
      return await Promise.all(req.keys.map(async (key): Promise<KeyResult<DeleteReply>> => {
        try {
          const { result, state, acked } = await this.components.coordinator.update(key, level, (current) => ({
            change: { value: null, expiresAt: 0, context: contextOf(current) }, result: this.visible(current).length > 0
          }))
          return { key, ok: true, value: { existed: result, acked, ts: newestTs(state) } }
        } catch (err) {
          return { key, ok: false, error: errorToWire(err) }
        }
      }))
    }
    const results = await this.components.coordinator.write(req.keys.map((key) => ({ key, change: { value: null, expiresAt: 0, context: [] } })), level)
    return results.map((r, i) => keyResult(req.keys[i] as string, r, () => ({ ...writeReply(r), existed: r.ok && r.existed })))
  }

  async incr (req: Req<'incr'>): Promise<Reply<CounterDelta>> {
    checkDelta(req.delta)
    return await this.onCoordinator(req, (state) => {
      const newest = this.visible(state)[0]
      const next = addToCounter(req.key, newest === undefined ? 0 : decodeValue(newest.value as Uint8Array), req.delta)
      // a counter keeps its expiry; a new one gets the default TTL, as a put without one would
      const expiresAt = newest?.expiresAt ?? this.expiryFor(undefined)
      return { change: { value: encodeValue(next), expiresAt, context: [] }, result: next }
    })
  }

  async getset (req: Req<'getset'>): Promise<Reply<Uint8Array | null>> {
    return await this.onCoordinator(req, (state) => ({
      change: this.change(req.value, req.ttl),
      result: this.visible(state)[0]?.value ?? null
    }))
  }

  async touch (req: Req<'touch'>): Promise<Reply<boolean>> {
    const expiresAt = this.expiryFor(req.ttl)
    return await this.onCoordinator(req, (state) => {
      const newest = this.visible(state)[0]
      if (newest === undefined) return { result: false }
      return { change: { value: newest.value, expiresAt, context: [] }, result: true }
    })
  }

  /** Runs a read-modify-write here if this member coordinates the key, else passes the request on (one hop at most). */
  private async onCoordinator<T> (req: Req<'incr' | 'getset' | 'touch'>, decide: (state: KeyState | undefined) => { change?: Change, result: T }): Promise<Reply<T>> {
    const coordinator = this.components.placement.coordinatorOf(req.key)
    if (coordinator !== this.components.self && (req.hops ?? 0) === 0) {
      return await this.components.forward<Reply<T>>(coordinator, { ...req, hops: 1 })
    }
    const { result, state } = await this.components.coordinator.update(req.key, this.writeLevel(req), decide)
    return { value: result, ts: newestTs(state) }
  }

  private readOne (key: string, level: ConsistencyLevel, minTs: number | number[] | undefined): Promise<KeyState | undefined> {
    return this.components.coordinator.read([key], level, typeof minTs === 'number' ? [minTs] : undefined).then((results) => {
      const result = results[0] as ReadResult
      if (!result.ok) throw result.error
      return result.state
    })
  }

  private getReply (state: KeyState | undefined, withSiblings: boolean): GetReply {
    const values = this.visible(state)
    const reply: GetReply = { value: values[0]?.value ?? null, ts: newestTs(state) }
    if (values.length > 1) reply.siblings = values.map((s) => s.value as Uint8Array)
    if (withSiblings || values.length > 1) reply.context = contextOf(state)
    return reply
  }

  /** Values that are neither deleted nor expired, newest first. */
  private visible (state: KeyState | undefined): ReturnType<typeof visibleValues> {
    return visibleValues(state, this.components.clock.now())
  }

  private change (value: Uint8Array, ttl: number | undefined, context: Change['context'] = []): Change {
    return { value, expiresAt: this.expiryFor(ttl), context }
  }

  /** A TTL in seconds becomes an absolute time here, at the coordinator, so every replica expires the key together. */
  private expiryFor (ttl: number | undefined): number {
    const seconds = ttl ?? this.config.defaultTtl
    if (!Number.isFinite(seconds) || seconds < 0) throw new ConfigurationError('invalid ttl; must be a finite number of seconds >= 0', 'ttl')
    return seconds === 0 ? 0 : this.components.clock.now() + seconds * 1000
  }

  private readLevel (req: { consistency?: ConsistencyLevel }): ConsistencyLevel {
    return req.consistency ?? (this.config.readConsistency === 'default' ? this.config.consistency : this.config.readConsistency)
  }

  private writeLevel (req: { consistency?: ConsistencyLevel }): ConsistencyLevel {
    return req.consistency ?? (this.config.writeConsistency === 'default' ? this.config.consistency : this.config.writeConsistency)
  }
}

function writeReply (result: WriteResult): WriteReply {
  if (!result.ok) throw result.error
  return { acked: result.acked, ts: newestTs(result.state) }
}

function keyResult<T> (key: string, result: ReadResult | WriteResult, value: (state: KeyState | undefined) => T): KeyResult<T> {
  if (!result.ok) return { key, ok: false, error: errorToWire(result.error) }
  return { key, ok: true, value: value(result.state) }
}
