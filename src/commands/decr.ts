import { Args, Flags } from '@oclif/core'
import Incr from './incr.js'

export default class Decr extends Incr {
  static override description = 'Atomically subtract from an integer counter (a missing key starts at 0) and print the new value'
  static override examples = ['<%= config.bin %> decr stock', '<%= config.bin %> decr stock --by 5']
  static override args = { key: Args.string({ description: 'the counter', required: true }) }
  static override flags = { by: Flags.integer({ description: 'amount to subtract', default: 1 }) }

  override async run (): Promise<{ key: string, value: string | number }> {
    const { args, flags } = await this.parse(Decr)
    return await this.apply(args.key, -flags.by, flags)
  }
}
