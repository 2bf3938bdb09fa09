import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'

export default class Exists extends ClientCommand {
  static override description = 'Tell whether a key exists (exit code 0 if it does, 1 if not)'
  static override examples = ['<%= config.bin %> exists greeting && echo yes']
  static override args = { key: Args.string({ description: 'the key', required: true }) }

  async run (): Promise<{ key: string, exists: boolean }> {
    const { args, flags } = await this.parse(Exists)
    const exists = await (await this.cache(flags)).exists(args.key)
    if (!exists) process.exitCode = EXIT.NOT_FOUND
    this.log(exists ? 'true' : 'false')
    return { key: args.key, exists }
  }
}
