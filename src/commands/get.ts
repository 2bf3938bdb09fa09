import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { jsonValue, printValue } from '../cli/values.js'

export default class Get extends ClientCommand {
  static override description = 'Print the value stored under a key (exit code 1 if there is none)'
  static override examples = [
    '<%= config.bin %> get greeting',
    '<%= config.bin %> get logo > logo.png',
    '<%= config.bin %> get session:42 --json'
  ]

  static override args = { key: Args.string({ description: 'the key', required: true }) }

  async run (): Promise<{ key: string, found: boolean, value?: unknown }> {
    const { args, flags } = await this.parse(Get)
    const value = await (await this.cache(flags)).get(args.key)
    if (value === undefined) {
      this.reportMissing(args.key)
      return { key: args.key, found: false }
    }
    if (!this.jsonEnabled()) printValue(value, (line) => { this.log(line) })
    return { key: args.key, found: true, value: jsonValue(value) }
  }
}
