import { Args } from '@oclif/core'
import { wholeMilliseconds } from '../cli/values.js'
import Ttl from './ttl.js'

export default class Pttl extends Ttl {
  static override description = `Print the milliseconds a key has left; "none" if it never expires (exit code 1 if it does not exist)
--json gives {key, found, pttl}, pttl null for a key that never expires.`

  static override examples = ['<%= config.bin %> pttl session:42', '<%= config.bin %> pttl session:42 --json']
  static override args = { key: Args.string({ description: 'the key', required: true }) }

  override async run (): Promise<{ key: string, found: boolean, pttl?: number | null }> {
    const { args, flags } = await this.parse(Pttl)
    const left = await this.timeLeft(args.key, flags)
    if (left === undefined) return { key: args.key, found: false }
    const pttl = left === null ? null : wholeMilliseconds(left)
    this.log(pttl === null ? 'none' : String(pttl))
    return { key: args.key, found: true, pttl }
  }
}
