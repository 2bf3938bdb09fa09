import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { jsonValue, printValue, readValueArg } from '../cli/values.js'

export default class Getset extends ClientCommand {
  static override description = 'Store a new value and print the old one, atomically'
  static override examples = ['<%= config.bin %> getset config:version 7']
  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the new value, or - for raw bytes from stdin', required: true })
  }

  async run (): Promise<{ key: string, previous?: unknown }> {
    const { args, flags } = await this.parse(Getset)
    const previous = await (await this.cache(flags)).getAndSet(args.key, await readValueArg(args.value))
    if (previous === undefined) this.log('(nil)')
    else if (!this.jsonEnabled()) printValue(previous, (line) => { this.log(line) })
    return { key: args.key, previous: jsonValue(previous) }
  }
}
