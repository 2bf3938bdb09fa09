import { ClientCommand } from '../cli/base-command.js'
import { formatTable } from '../cli/table.js'
import { clusterStatus, formatMb, formatRtt, type ClusterStatus } from '../cli/cluster-status.js'
import { formatPercent } from '../tui/format.js'
import { shortId } from '../common/short-id.js'

export default class Status extends ClientCommand {
  static override description = 'One row per member, like nodetool status: state, address, name and id, load (keys held, memory used of its budget), ' +
    'share of the ring, hints it holds for members that are down, and the RTT from the member answering. ' +
    'Each key is held by N members, so the keys column adds up to N times the distinct keys. Load shows "-" for a member that did not answer.'

  static override examples = [
    { description: 'The cluster at a glance', command: '<%= config.bin %> status' },
    { description: 'Through a given member', command: '<%= config.bin %> status --node /ip4/127.0.0.1/tcp/7700/p2p/12D3KooW...' },
    { description: 'For scripts: one object per member', command: '<%= config.bin %> status --json' }
  ]

  async run (): Promise<ClusterStatus> {
    const { flags } = await this.parse(Status)
    const cache = await this.cache(flags)
    const [info, stats] = await Promise.all([cache.getClusterInfo(), cache.getStatistics()])
    const status = clusterStatus(info, stats)
    const dash = '-'
    this.log(formatTable(['state', 'name', 'id', 'address', 'keys', 'mem MB', 'budget MB', 'owns', 'hints', 'rtt'],
      status.members.map((m) => [
        m.state,
        `${m.name}${m.id === status.self ? ' *' : ''}`,
        shortId(m.id),
        m.address ?? dash,
        m.load?.keys ?? dash,
        m.load === undefined ? dash : formatMb(m.load.memoryUsedBytes),
        m.load === undefined ? dash : formatMb(m.load.memoryBudgetBytes),
        formatPercent(m.ownership),
        m.load?.hintsPending ?? dash,
        m.id === status.self ? dash : formatRtt(m.rttMs)
      ])))
    const alive = status.members.filter((m) => m.state === 'alive').length
    this.log(`\n* = the member answering; ${alive}/${status.members.length} alive; ${status.replicasPerKey} replicas per key (N=${status.replicationFactor})`)
    return status
  }
}
