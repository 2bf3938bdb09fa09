import { Args, Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { jsonValue, printValue } from '../cli/values.js'

export default class Get extends ClientCommand {
  static override description = `Print the value stored under a key (exit code 1 if there is none)
With --siblings, print every concurrent value the key holds (conflictResolution siblings), one per line.`

  static override examples = [
    '<%= config.bin %> get greeting',
    '<%= config.bin %> get logo > logo.png',
    '<%= config.bin %> get session:42 --json',
    '<%= config.bin %> get greeting --consistency one',
    '<%= config.bin %> get cart:7 --siblings --json'
  ]

  static override args = { key: Args.string({ description: 'the key', required: true }) }

  static override flags = {
    siblings: Flags.boolean({ description: 'print every concurrent value (siblings) instead of the newest; --json gives an array' })
  }

  async run (): Promise<{ key: string, found: boolean, value?: unknown, siblings?: unknown[] }> {
    const { args, flags } = await this.parse(Get)
    const cache = await this.cache(flags)
    if (flags.siblings) {
      const { values } = await cache.getSiblings(args.key)
      if (values.length === 0) {
        this.reportMissing(args.key)
        return { key: args.key, found: false, siblings: [] }
      }
      if (!this.jsonEnabled()) for (const value of values) printValue(value, (line) => { this.log(line) })
      return { key: args.key, found: true, siblings: values.map(jsonValue) }
    }
    const value = await cache.get(args.key)
    if (value === undefined) {
      this.reportMissing(args.key)
      return { key: args.key, found: false }
    }
    if (!this.jsonEnabled()) printValue(value, (line) => { this.log(line) })
    return { key: args.key, found: true, value: jsonValue(value) }
  }
}
