import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { TTL_UNITS, ttlFlag } from '../cli/flags.js'

export default class Touch extends ClientCommand {
  static override description = 'Give an existing key a new time to live (exit code 1 if the key does not exist)'
  static override examples = [
    '<%= config.bin %> touch session:42 --ttl 600',
    '<%= config.bin %> touch session:42 --ttl 1h30m',
    '<%= config.bin %> touch session:42 --ttl 0   # never expires'
  ]

  static override args = { key: Args.string({ description: 'the key', required: true }) }
  static override flags = { ttl: ttlFlag({ description: `new time to live: ${TTL_UNITS}`, required: true }) }

  async run (): Promise<{ key: string, touched: boolean }> {
    const { args, flags } = await this.parse(Touch)
    const touched = await (await this.cache(flags)).touch(args.key, flags.ttl)
    if (touched) this.log('OK')
    else this.reportMissing(args.key)
    return { key: args.key, touched }
  }
}
