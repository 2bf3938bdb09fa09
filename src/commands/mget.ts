import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'
import { jsonValue, numberedLines } from '../cli/values.js'

export default class Mget extends ClientCommand {
  static override description = `Get several keys at once (split by owner and fetched in parallel) and print one numbered line per key, as redis-cli does
A value prints quoted ("text", bytes with \\xNN escapes), a counter as (integer) 5, a miss as (nil), so a stored "(nil)" never reads as a miss. A failed key prints (error) CODE message and the exit code is 3 (its owner could not be reached); an invalid key is exit code 2 and nothing is read. --json gives {results: [{key, found, value | error}]}.`

  static override examples = ['<%= config.bin %> mget a b c', '<%= config.bin %> mget a b --json']
  static override strict = false
  static override args = { key: Args.string({ description: 'keys to read', required: true }) }

  async run (): Promise<{ results: Array<{ key: string, found: boolean, value?: unknown, error?: string }> }> {
    const { argv, flags } = await this.parse(Mget)
    const results = await (await this.cache(flags)).getMultiple(argv as string[])
    for (const line of numberedLines(results.map((r) => r.ok ? { value: r.value } : { error: r.error }))) this.log(line)
    if (results.some((r) => !r.ok)) process.exitCode = EXIT.CLUSTER
    return {
      results: results.map((r) => r.ok
        ? (r.value === undefined ? { key: r.key, found: false } : { key: r.key, found: true, value: jsonValue(r.value) })
        : { key: r.key, found: false, error: `${r.error.code}: ${r.error.message}` })
    }
  }
}
