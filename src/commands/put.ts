import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { TTL_UNITS, ttlFlag } from '../cli/flags.js'
import { readValueArg } from '../cli/values.js'

export default class Put extends ClientCommand {
  static override description = `Store a value under a key (a string, or raw bytes from stdin with "-")
Unlike Redis, a key put without --ttl expires: after the cluster's defaultTtl, 1 hour unless the nodes were started with another --default-ttl (0 = never). Use --ttl 0 for a key that stays.
A value that is a decimal integer ("42", not "042" or "+42") can be counted with incr/decr.`

  static override examples = [
    '<%= config.bin %> put greeting hello',
    '<%= config.bin %> put session:42 "{\\"user\\":7}" --ttl 5m',
    '<%= config.bin %> put visits 0 --ttl 0   # never expires; dcache incr visits counts from it',
    'cat logo.png | <%= config.bin %> put logo -'
  ]

  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the value, or - to read raw bytes from stdin', required: true })
  }

  static override flags = {
    ttl: ttlFlag({ description: `time to live: ${TTL_UNITS}; default: the cluster's defaultTtl (1 h unless changed)` })
  }

  async run (): Promise<{ key: string, stored: true, ttl?: number }> {
    const { args, flags } = await this.parse(Put)
    const cache = await this.cache(flags)
    await cache.put(args.key, await readValueArg(args.value), { ttl: flags.ttl })
    this.log('OK')
    return { key: args.key, stored: true, ttl: flags.ttl }
  }
}
