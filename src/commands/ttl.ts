import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { wholeSeconds } from '../cli/values.js'
import { KeyNotFoundError } from '../common/errors.js'

type TtlFlags = Parameters<ClientCommand['cache']>[0]

export default class Ttl extends ClientCommand {
  static override description = `Print the whole seconds a key has left, rounded as Redis's TTL rounds them; "none" if it never expires (exit code 1 if it does not exist)
pttl prints milliseconds. --json gives {key, found, ttl}, ttl null for a key that never expires.`

  static override examples = ['<%= config.bin %> ttl session:42', '<%= config.bin %> ttl session:42 --json']
  static override args = { key: Args.string({ description: 'the key', required: true }) }

  async run (): Promise<{ key: string, found: boolean, ttl?: number | null }> {
    const { args, flags } = await this.parse(Ttl)
    const left = await this.timeLeft(args.key, flags)
    if (left === undefined) return { key: args.key, found: false }
    const ttl = left === null ? null : wholeSeconds(left)
    this.log(ttl === null ? 'none' : String(ttl))
    return { key: args.key, found: true, ttl }
  }

  /** Seconds left (fractional), null for no expiry, undefined (reported, exit code 1) for a missing key. */
  protected async timeLeft (key: string, flags: TtlFlags): Promise<number | null | undefined> {
    try {
      return await (await this.cache(flags)).getTtl(key)
    } catch (err) {
      if (!(err instanceof KeyNotFoundError)) throw err
      this.reportMissing(key)
      return undefined
    }
  }
}
