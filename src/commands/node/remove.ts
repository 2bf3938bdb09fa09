import { Args } from '@oclif/core'
import { ClientCommand } from '../../cli/base-command.js'

export default class NodeRemove extends ClientCommand {
  static override description = 'Remove a member gracefully: it announces that it left, stops taking requests and exits. Its keys go with it (there is no data hand-off yet).'
  static override examples = ['<%= config.bin %> node remove 12D3KooWAbc...', '<%= config.bin %> node remove 12D3KooWAbc... --json']
  static override args = { id: Args.string({ description: 'the member\'s id (see dcache node list)', required: true }) }

  async run (): Promise<{ removed: string }> {
    const { args, flags } = await this.parse(NodeRemove)
    await (await this.cache(flags)).removeNode(args.id)
    this.log(`${args.id} announced that it left and is exiting; the keys it held are gone with it (no hand-off until anti-entropy lands)`)
    return { removed: args.id }
  }
}
