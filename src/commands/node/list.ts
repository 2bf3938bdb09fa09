import { ClientCommand } from '../../cli/base-command.js'
import { formatTable } from '../../cli/table.js'
import { formatRtt } from '../../cli/cluster-status.js'
import { formatPercent } from '../../tui/format.js'
import type { MemberView } from '../../node/protocol.js'

export default class NodeList extends ClientCommand {
  static override description = 'List cluster members as the contacted node sees them: state, incarnation, last ack, RTT, vnodes, ownership. ' +
    'Dead and left members stay listed until `dcache node forget` or reapAfter (default 24 h) drops them.'

  static override examples = ['<%= config.bin %> node list', '<%= config.bin %> node list --json']

  async run (): Promise<{ self: string, members: MemberView[], replicationFactor: number }> {
    const { flags } = await this.parse(NodeList)
    const info = await (await this.cache(flags)).getClusterInfo()
    const now = Date.now()
    this.log(formatTable(['', 'name', 'id', 'state', 'inc', 'last ack', 'rtt', 'vnodes', 'ownership', 'addresses'],
      info.members.map((m) => [
        m.id === info.self ? '*' : '',
        m.name,
        m.id,
        m.state,
        m.incarnation,
        m.id === info.self ? 'self' : m.lastAckAt === undefined ? '-' : `${((now - m.lastAckAt) / 1000).toFixed(1)}s ago`,
        m.id === info.self ? '-' : formatRtt(m.rttMs),
        m.vnodes,
        formatPercent(m.ownership),
        m.addresses.join(' ')
      ])))
    const inRing = info.ring.nodes.length
    this.log(`\n* = the node answering (${info.self}); ${info.members.filter((m) => m.state === 'alive').length}/${info.members.length} alive; ` +
      `${Math.min(info.replicationFactor, inRing)} replicas per key (N=${info.replicationFactor}, ${inRing} members in the ring)`)
    return { self: info.self, members: info.members, replicationFactor: info.replicationFactor }
  }
}
