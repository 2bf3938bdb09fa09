import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'
import { formatValue, jsonValue, toJsonText } from '../cli/values.js'

export default class Mget extends ClientCommand {
  static override description = 'Get several keys at once (split by owner and fetched in parallel); prints one line per key (exit code 3 if any key\'s owner could not be reached)'
  static override examples = ['<%= config.bin %> mget a b c', '<%= config.bin %> mget a b --json']
  static override strict = false
  static override args = { key: Args.string({ description: 'keys to read', required: true }) }

  async run (): Promise<{ results: Array<{ key: string, found: boolean, value?: unknown, error?: string }> }> {
    const { argv, flags } = await this.parse(Mget)
    const results = await (await this.cache(flags)).getMultiple(argv as string[])
    const rows = results.map((r) => r.ok
      ? (r.value === undefined ? { key: r.key, found: false } : { key: r.key, found: true, value: jsonValue(r.value) })
      : { key: r.key, found: false, error: `${r.error.code}: ${r.error.message}` })
    for (const [i, r] of results.entries()) {
      if (!r.ok) this.log(`${r.key}\t(error) ${r.error.message}`)
      else if (r.value === undefined) this.log(`${r.key}\t(nil)`)
      else {
        const shown = formatValue(r.value)
        this.log(`${r.key}\t${shown instanceof Uint8Array ? toJsonText(rows[i]?.value) : shown}`)
      }
    }
    if (results.some((r) => !r.ok)) process.exitCode = EXIT.CLUSTER
    return { results: rows }
  }
}
