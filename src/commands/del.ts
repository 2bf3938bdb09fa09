import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'

export default class Del extends ClientCommand {
  static override description = `Delete one or more keys and print how many existed
Every key is checked first: an invalid one is exit code 2 and nothing is deleted.`

  static override examples = ['<%= config.bin %> del greeting', '<%= config.bin %> del a b c --json']
  static override strict = false
  static override args = { key: Args.string({ description: 'keys to delete', required: true }) }

  async run (): Promise<{ deleted: number }> {
    const { argv, flags } = await this.parse(Del)
    const deleted = await (await this.cache(flags)).delete(...argv as string[])
    this.log(String(deleted))
    return { deleted }
  }
}
