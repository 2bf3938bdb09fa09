import { errorFromWire, type CacheError } from '../common/errors.js'
import { decodeValue, encodeValue } from '../common/codec.js'
import type { BatchResult, CacheRequest, DeleteReply, GetReply, KeyResult, Reply } from '../node/protocol.js'

/** One request's outcome in a pipeline: its value, or its own error (the others are not affected). */
export type PipelineResult<T = unknown> = { ok: true, value: T } | { ok: false, error: CacheError }

/** A queued request: what goes on the wire, and how its reply becomes the caller's value. */
export interface PipelinedRequest {
  key: string
  request: CacheRequest
  /** The value bytes it writes, checked against the cluster's limits before anything is sent. */
  value?: Uint8Array
  result: (reply: unknown) => unknown
}

/**
 * Requests queued to go out together, as redis-cli pipelines do: exec() sends them in one message per member that
 * coordinates their keys and resolves once with every result in order. Nothing is sent before exec(); a pipeline runs
 * once.
 */
export class Pipeline {
  private readonly queued: PipelinedRequest[] = []
  private executed = false

  constructor (private readonly send: (requests: readonly PipelinedRequest[]) => Promise<BatchResult[]>) {}

  get length (): number {
    return this.queued.length
  }

  /** The value, or undefined on a miss (with siblings, the newest). */
  get (key: string): this {
    return this.add({ key, request: { op: 'get', key }, result: (reply) => valueOf(reply as GetReply) })
  }

  /** Stores `value` as put() does; ttl in seconds, omitted = the cluster's default. */
  put (key: string, value: unknown, opts: { ttl?: number } = {}): this {
    const encoded = encodeValue(value)
    return this.add({ key, value: encoded, request: { op: 'put', key, value: encoded, ttl: opts.ttl }, result: () => true })
  }

  /** Whether the key existed. */
  delete (key: string): this {
    return this.add({ key, request: { op: 'delete', keys: [key] }, result: (reply) => existed(reply as Array<KeyResult<DeleteReply>>) })
  }

  /** The new value of the counter. */
  increment (key: string, delta: number | bigint = 1): this {
    return this.add({ key, request: { op: 'incr', key, delta }, result: (reply) => (reply as Reply<number | bigint>).value })
  }

  exists (key: string): this {
    return this.add({ key, request: { op: 'exists', key }, result: (reply) => (reply as Reply<boolean>).value })
  }

  /** Sends every queued request; the results are in the order they were queued. */
  async exec (): Promise<PipelineResult[]> {
    if (this.executed) throw new Error('a pipeline runs once')
    this.executed = true
    if (this.queued.length === 0) return []
    const answers = await this.send(this.queued)
    return answers.map((answer, i): PipelineResult => {
      if (!answer.ok) return { ok: false, error: errorFromWire(answer.error) }
      try {
        return { ok: true, value: (this.queued[i] as PipelinedRequest).result(answer.value) }
      } catch (err) {
        return { ok: false, error: err as CacheError }
      }
    })
  }

  private add (request: PipelinedRequest): this {
    if (this.executed) throw new Error('a pipeline runs once')
    this.queued.push(request)
    return this
  }
}

function valueOf (reply: GetReply): unknown {
  return reply.value === null ? undefined : decodeValue(reply.value)
}

function existed (reply: Array<KeyResult<DeleteReply>>): boolean {
  const [result] = reply
  if (result === undefined) return false
  if (!result.ok) throw errorFromWire(result.error)
  return result.value.existed
}
