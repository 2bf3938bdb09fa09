import { Args, Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'

/** A step is a number to the cluster, so within ±(2^53-1). */
export const STEP_BOUNDS = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }

/** How a stored value counts, for the help of incr and decr. */
export const COUNTER_RULE = `A missing key starts at 0. A stored value counts if it is an integer, or a string holding a decimal integer in Redis's form ("42", "-7"; not "042", "+5", " 5" or "1.5"), so "put n 5" then "incr n" prints 6. The result is stored as a number. Counters stay within ±(2^53-1) (9007199254740991): a step past that is refused (exit code 2) and the counter is left as it was. Anything else is exit code 2 (NOT_INTEGER), naming the key.`

export default class Incr extends ClientCommand {
  static override description = `Atomically add to an integer counter and print the new value
${COUNTER_RULE}`

  static override examples = [
    '<%= config.bin %> incr visits',
    '<%= config.bin %> incr visits --by 10 --json',
    '<%= config.bin %> put n 5 && <%= config.bin %> incr n   # prints OK, then 6'
  ]

  static override args = { key: Args.string({ description: 'the counter', required: true }) }
  static override flags = { by: Flags.integer({ description: 'amount to add (may be negative)', default: 1, ...STEP_BOUNDS }) }

  async run (): Promise<{ key: string, value: string | number }> {
    const { args, flags } = await this.parse(Incr)
    return await this.apply(args.key, flags.by, flags)
  }

  protected async apply (key: string, delta: number, flags: Parameters<ClientCommand['cache']>[0]): Promise<{ key: string, value: string | number }> {
    const value = await (await this.cache(flags)).increment(key, delta)
    this.log(String(value))
    return { key, value: typeof value === 'bigint' ? value.toString() : value }
  }
}
