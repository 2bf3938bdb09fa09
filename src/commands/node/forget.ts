import { ClientCommand } from '../../cli/base-command.js'
import { memberIdArg } from '../../cli/flags.js'
import type { ForgetReply } from '../../node/protocol.js'

export default class NodeForget extends ClientCommand {
  static override description = 'Drop a dead or left member at once: every member removes it from its member table and its ring ' +
    '(like nodetool removenode or riak-admin force-remove), and its ranges go to the next members along the ring. ' +
    'A live or suspect member is refused: remove it with `dcache node remove`. Without this, dead and left members are dropped ' +
    'after reapAfter (default 24 h). A forgotten member that is in fact running comes back by itself. ' +
    'Exit codes: 1 no member matches ID, 2 ID matches several members or the member is alive, 3 the cluster could not be reached.'

  static override examples = [
    '<%= config.bin %> node forget node-3',
    '<%= config.bin %> node forget 8YcFqVsG',
    '<%= config.bin %> node forget 12D3KooWAbc... --json'
  ]

  static override args = { id: memberIdArg }

  async run (): Promise<{ forgotten: ForgetReply }> {
    const { args, flags } = await this.parse(NodeForget)
    const forgotten = await (await this.cache(flags)).forgetNode(args.id)
    this.log(`forgot ${forgotten.name} (${forgotten.id}), which was ${forgotten.state}; every member drops it from its table and ring`)
    return { forgotten }
  }
}
