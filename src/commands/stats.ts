import { ClientCommand } from '../cli/base-command.js'
import { formatTable } from '../cli/table.js'
import { formatMb as mb } from '../cli/cluster-status.js'
import { shortId } from '../common/short-id.js'
import { cpuMsOf, type NodeStats } from '../node/stats.js'

export default class Stats extends ClientCommand {
  static override description = 'Show per-node and total statistics: keys, memory, hits, misses, evictions, expirations, requests, CPU seconds of the node process; then replication: requests coordinated, replica reads and writes, read repairs, hints, conflicts, quorum failures'
  static override examples = ['<%= config.bin %> stats', '<%= config.bin %> stats --json']

  async run (): Promise<{ nodes: NodeStats[], total: Record<string, number> }> {
    const { flags } = await this.parse(Stats)
    const nodes = await (await this.cache(flags)).getStatistics()
    const sum = (f: (n: NodeStats) => number): number => nodes.reduce((a, n) => a + f(n), 0)
    const requests = (n: NodeStats): number => Object.values(n.requests).reduce((a, b) => a + (b ?? 0), 0)
    const total = {
      keys: sum((n) => n.engine.keys),
      memoryUsed: sum((n) => n.engine.memoryUsedBytes),
      memoryLimit: sum((n) => n.engine.maxMemoryBytes),
      hits: sum((n) => n.engine.hits),
      misses: sum((n) => n.engine.misses),
      evictions: sum((n) => n.engine.evictions),
      expirations: sum((n) => n.engine.expirations),
      requests: sum(requests),
      errors: sum((n) => n.errors),
      cpuMs: Math.round(sum((n) => cpuMsOf(n) ?? 0))
    }
    const seconds = (ms: number | undefined): string => ms === undefined ? '-' : (ms / 1000).toFixed(1)
    const ratio = (hits: number, misses: number): string => hits + misses === 0 ? '-' : `${(100 * hits / (hits + misses)).toFixed(1)}%`
    const rows = nodes.map((n): Array<string | number> => [n.name, shortId(n.id), n.engine.keys, mb(n.engine.memoryUsedBytes), mb(n.engine.maxMemoryBytes),
      n.engine.hits, n.engine.misses, ratio(n.engine.hits, n.engine.misses), n.engine.evictions, n.engine.expirations, requests(n), n.errors, n.latency.p99Ms.toFixed(2), seconds(cpuMsOf(n))])
    rows.push(['TOTAL', '', total.keys, mb(total.memoryUsed), mb(total.memoryLimit), total.hits, total.misses, ratio(total.hits, total.misses),
      total.evictions, total.expirations, total.requests, total.errors, '', seconds(total.cpuMs)])
    this.log(formatTable(['node', 'id', 'keys', 'mem MB', 'limit MB', 'hits', 'misses', 'hit%', 'evicted', 'expired', 'requests', 'errors', 'p99 ms', 'cpu s'], rows))
    this.log('')
    this.log(formatTable(['node', 'N', 'coord reads', 'coord writes', 'replica r/w', 'repairs', 'hints pending', 'delivered', 'dropped', 'conflicts', 'quorum fails', 'tombstones'],
      nodes.map((n) => {
        const r = n.replication
        const levels = Object.values(r.coordinated)
        return [n.name, n.replicationFactor, levels.reduce((a, l) => a + l.read, 0), levels.reduce((a, l) => a + l.write, 0), `${r.replicaReads}/${r.replicaWrites}`,
          r.readRepairs, r.hints.pending, r.hints.delivered, r.hints.dropped, r.conflicts, r.quorumFailures, r.tombstones]
      })))
    return { nodes, total }
  }
}
