import { Args, Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'

export default class Incr extends ClientCommand {
  static override description = 'Atomically add to an integer counter (a missing key starts at 0) and print the new value'
  static override examples = ['<%= config.bin %> incr visits', '<%= config.bin %> incr visits --by 10 --json']
  static override args = { key: Args.string({ description: 'the counter', required: true }) }
  static override flags = { by: Flags.integer({ description: 'amount to add', default: 1 }) }

  async run (): Promise<{ key: string, value: string | number }> {
    const { args, flags } = await this.parse(Incr)
    return await this.apply(args.key, flags.by, flags)
  }

  protected async apply (key: string, delta: number, flags: { node?: string[], timeout: number }): Promise<{ key: string, value: string | number }> {
    const value = await (await this.cache(flags)).increment(key, delta)
    this.log(String(value))
    return { key, value: typeof value === 'bigint' ? value.toString() : value }
  }
}
