import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'

export default class Clear extends ClientCommand {
  static override description = 'Remove every key from every member of the cluster'
  static override examples = ['<%= config.bin %> clear --yes']
  static override flags = { yes: Flags.boolean({ description: 'confirm that every key in the cluster goes', default: false }) }

  async run (): Promise<{ removed: number }> {
    const { flags } = await this.parse(Clear)
    if (!flags.yes) this.error('clear removes every key in the cluster: pass --yes to confirm', { exit: EXIT.USAGE })
    const removed = await (await this.cache(flags)).clear()
    this.log(`removed ${removed} keys`)
    return { removed }
  }
}
