import { ClientCommand } from '../../cli/base-command.js'
import { memberIdArg } from '../../cli/flags.js'

export default class NodeRemove extends ClientCommand {
  static override description = 'Remove a live member gracefully: it announces that it left, stops taking requests and exits. Its keys go with it ' +
    '(there is no data hand-off yet). A dead or left member is dropped with `dcache node forget` instead. ' +
    'Exit codes: 1 no member matches ID, 2 ID matches several members or the member is not alive, 3 the cluster could not be reached.'

  static override examples = [
    '<%= config.bin %> node remove node-3',
    '<%= config.bin %> node remove 8YcFqVsG',
    '<%= config.bin %> node remove 12D3KooWAbc... --json'
  ]

  static override args = { id: memberIdArg }

  async run (): Promise<{ removed: string }> {
    const { args, flags } = await this.parse(NodeRemove)
    await (await this.cache(flags)).removeNode(args.id)
    this.log(`${args.id} announced that it left and is exiting; the keys it held are gone with it (no hand-off until anti-entropy lands)`)
    return { removed: args.id }
  }
}
