import { NodeUnavailableError } from '../common/errors.js'
import type { NodeId } from '../net/transport.js'
import type { NodeStatsRecorder } from './stats.js'
import type { CacheOp, CacheRequest } from './protocol.js'

/** One handler per operation; the request is already validated. */
export type OpTable = { [Op in CacheOp]: (req: Extract<CacheRequest, { op: Op }>, from: NodeId) => Promise<unknown> | unknown }

/** Operations a leaving member still answers (so the CLI can watch it go). */
const WHILE_LEAVING = new Set<CacheOp>(['cluster', 'stats'])

/**
 * The entry of every client request: the leaving gate, the op -> handler table, and the node's request statistics.
 * A request another member passed on (`hops` > 0) was already counted there, and a batch is counted as the requests
 * in it, so throughput counts each once.
 */
export class RequestRouter {
  constructor (
    private readonly table: OpTable,
    private readonly stats: NodeStatsRecorder,
    private readonly leavingNote: () => string | undefined
  ) {}

  async serve (from: NodeId, req: CacheRequest): Promise<unknown> {
    // performance.now: latencies are sub-millisecond, below the clock's resolution
    const started = performance.now()
    const counted = (req.hops ?? 0) === 0 && req.op !== 'batch'
    try {
      const leaving = this.leavingNote()
      if (leaving !== undefined && !WHILE_LEAVING.has(req.op)) throw new NodeUnavailableError(leaving)
      const result = await (this.table[req.op] as (req: CacheRequest, from: NodeId) => unknown)(req, from)
      if (counted) this.stats.record(req.op, performance.now() - started, true)
      return result
    } catch (err) {
      if (counted) this.stats.record(req.op, performance.now() - started, false)
      throw err
    }
  }
}
