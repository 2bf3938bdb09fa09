import { Args } from '@oclif/core'
import { ClientCommand } from '../../cli/base-command.js'

export default class NodeAdd extends ClientCommand {
  static override description = 'Bring a running node into the cluster: the contacted member reaches it at MULTIADDR and they exchange member tables (like serf join)'
  static override examples = ['<%= config.bin %> node add /ip4/127.0.0.1/tcp/7701/p2p/12D3KooW...']
  static override args = { multiaddr: Args.string({ description: 'address of the running node, with /p2p/<id>', required: true }) }

  async run (): Promise<{ added: string, via: string }> {
    const { args, flags } = await this.parse(NodeAdd)
    const cache = await this.cache(flags)
    const added = await cache.addNode(args.multiaddr)
    this.log(`added ${added} (via ${cache.contactNode}); every member learns of it by gossip`)
    return { added, via: cache.contactNode }
  }
}
