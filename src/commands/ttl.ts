import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { KeyNotFoundError } from '../common/errors.js'

export default class Ttl extends ClientCommand {
  static override description = 'Print the seconds a key has left, or "none" if it never expires (exit code 1 if it does not exist)'
  static override examples = ['<%= config.bin %> ttl session:42', '<%= config.bin %> ttl session:42 --json']
  static override args = { key: Args.string({ description: 'the key', required: true }) }

  async run (): Promise<{ key: string, found: boolean, ttl?: number | null }> {
    const { args, flags } = await this.parse(Ttl)
    try {
      const ttl = await (await this.cache(flags)).getTtl(args.key)
      this.log(ttl === null ? 'none' : String(ttl))
      return { key: args.key, found: true, ttl }
    } catch (err) {
      if (!(err instanceof KeyNotFoundError)) throw err
      this.reportMissing(args.key)
      return { key: args.key, found: false }
    }
  }
}
