import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { TTL_UNITS, ttlFlag } from '../cli/flags.js'
import { jsonValue, printValue, readValueArg } from '../cli/values.js'

export default class Getset extends ClientCommand {
  static override description = `Store a new value and print the old one, atomically
Prints (nil) when the key had no value, as redis-cli does; --json tells the two apart with the fields of get --json: {key, found, previous}.`

  static override examples = ['<%= config.bin %> getset config:version 7', '<%= config.bin %> getset lock:job owner-2 --ttl 30s --json']
  static override args = {
    key: Args.string({ description: 'the key', required: true }),
    value: Args.string({ description: 'the new value, or - for raw bytes from stdin', required: true })
  }

  static override flags = {
    ttl: ttlFlag({ description: `time to live of the new value: ${TTL_UNITS}; default: the cluster's defaultTtl` })
  }

  async run (): Promise<{ key: string, found: boolean, previous?: unknown }> {
    const { args, flags } = await this.parse(Getset)
    const previous = await (await this.cache(flags)).getAndSet(args.key, await readValueArg(args.value), { ttl: flags.ttl })
    if (previous === undefined) {
      this.log('(nil)')
      return { key: args.key, found: false }
    }
    if (!this.jsonEnabled()) printValue(previous, (line) => { this.log(line) })
    return { key: args.key, found: true, previous: jsonValue(previous) }
  }
}
