import { Args, Flags } from '@oclif/core'
import Incr, { COUNTER_RULE, STEP_BOUNDS } from './incr.js'

export default class Decr extends Incr {
  static override description = `Atomically subtract from an integer counter and print the new value
${COUNTER_RULE}`

  static override examples = ['<%= config.bin %> decr stock', '<%= config.bin %> decr stock --by 5']
  static override args = { key: Args.string({ description: 'the counter', required: true }) }
  static override flags = { by: Flags.integer({ description: 'amount to subtract (may be negative)', default: 1, ...STEP_BOUNDS }) }

  override async run (): Promise<{ key: string, value: string | number }> {
    const { args, flags } = await this.parse(Decr)
    return await this.apply(args.key, -flags.by, flags)
  }
}
