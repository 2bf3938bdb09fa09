import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { ttlFlag } from '../cli/flags.js'
import { readValueArg } from '../cli/values.js'

export default class Put extends ClientCommand {
  static override description = 'Store a value under a key (a string, or raw bytes from stdin with "-")'
  static override examples = [
    '<%= config.bin %> put greeting hello',
    '<%= config.bin %> put session:42 "{\\"user\\":7}" --ttl 300',
    'cat logo.png | <%= config.bin %> put logo -'
  ]

  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the value, or - to read raw bytes from stdin', required: true })
  }

  static override flags = {
    ttl: ttlFlag({ description: 'seconds to live (fractions allowed; 0 = never expires); default: the cluster\'s defaultTtl' })
  }

  async run (): Promise<{ key: string, stored: true, ttl?: number }> {
    const { args, flags } = await this.parse(Put)
    const cache = await this.cache(flags)
    await cache.put(args.key, await readValueArg(args.value), { ttl: flags.ttl })
    this.log('OK')
    return { key: args.key, stored: true, ttl: flags.ttl }
  }
}

