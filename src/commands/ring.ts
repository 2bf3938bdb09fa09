import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { formatTable } from '../cli/table.js'
import { HashRing, RING_SIZE } from '../ring/index.js'
import type { MemberView } from '../node/protocol.js'

/** Characters of the ring picture: one per slice of the hash space. */
const PICTURE_WIDTH = 64

export interface RingReport {
  nodes: Array<{ id: string, name: string, label: string, vnodes: number, ownership: number }>
  balance: { max: number, mean: number, maxOverMean: number }
  picture: string
  /** The cluster's replicas per key (N). */
  replicationFactor: number
  key?: { key: string, position: number, preferenceList: Array<{ id: string, name: string, state?: string }> }
}

export default class Ring extends ClientCommand {
  static override description = 'Show the consistent-hash ring: members, vnodes, ownership share and balance, a picture of the ring, and where a key lands'
  static override examples = ['<%= config.bin %> ring', '<%= config.bin %> ring --key user:42', '<%= config.bin %> ring --json']
  static override flags = {
    key: Flags.string({ description: 'show this key\'s hash position and preference list' }),
    replicas: Flags.integer({ description: 'length of the preference list shown with --key (default: the cluster\'s N)', min: 1 })
  }

  async run (): Promise<RingReport> {
    const { flags } = await this.parse(Ring)
    const info = await (await this.cache(flags)).getClusterInfo()
    const ring = HashRing.fromJSON(info.ring)
    const byId = new Map<string, MemberView>(info.members.map((m) => [m.id, m]))
    const ids = ring.nodes()
    const label = (id: string): string => String.fromCharCode(65 + (ids.indexOf(id) % 26))
    const shares = ring.ownership()
    const balance = ring.balance()
    const nodes = ids.map((id) => ({ id, name: byId.get(id)?.name ?? '?', label: label(id), vnodes: ring.tokens(id).length, ownership: shares.get(id) ?? 0 }))
    const picture = ring.ownerStrip(PICTURE_WIDTH).map((owner) => owner === undefined ? '.' : label(owner)).join('')
    const replicationFactor = info.replicationFactor
    const report: RingReport = { nodes, balance: { max: balance.max, mean: balance.mean, maxOverMean: balance.mean === 0 ? 0 : balance.max / balance.mean }, picture, replicationFactor }
    if (flags.key !== undefined) {
      report.key = {
        key: flags.key,
        position: ring.position(flags.key),
        preferenceList: ring.preferenceList(flags.key, flags.replicas ?? replicationFactor).map((id) => ({ id, name: byId.get(id)?.name ?? '?', state: byId.get(id)?.state }))
      }
    }
    this.log(formatTable(['', 'name', 'id', 'vnodes', 'ownership'],
      nodes.map((n) => [n.label, n.name, n.id, n.vnodes, `${(n.ownership * 100).toFixed(2)}%`])))
    this.log(`\nbalance: max/mean ownership ${report.balance.maxOverMean.toFixed(3)} over ${nodes.length} nodes; ${Math.min(replicationFactor, nodes.length)} replicas per key (N=${replicationFactor})`)
    this.log(`ring (0 .. 2^32, clockwise, each character ${Math.round(RING_SIZE / PICTURE_WIDTH / 1e6)}M positions):\n  ${picture}`)
    if (report.key !== undefined) {
      const where = Math.floor(report.key.position / RING_SIZE * PICTURE_WIDTH)
      this.log(`  ${' '.repeat(where)}^ ${report.key.key}`)
      this.log(`\nkey ${report.key.key}: position ${report.key.position}; preference list: ${report.key.preferenceList.map((p, i) => `${i + 1}. ${p.name} (${p.id})${p.state === undefined || p.state === 'alive' ? '' : ` [${p.state}]`}`).join(', ')}`)
    }
    return report
  }
}
