import { Args } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'
import { TTL_UNITS, ttlFlag } from '../cli/flags.js'
import { describeKey } from '../store/input-rules.js'

export default class Mput extends ClientCommand {
  static override description = `Store several KEY=VALUE pairs at once (split by owner and written in parallel)
Every pair, key and value is checked before anything is sent: one bad one is exit code 2 and nothing is stored. A pair whose owner could not be reached is named on stderr and the exit code is 3.`

  static override examples = ['<%= config.bin %> mput a=1 b=2 c=3', '<%= config.bin %> mput user:1=ann user:2=bob --ttl 10m --json']
  static override strict = false
  static override args = { pair: Args.string({ description: 'KEY=VALUE pairs (the first = splits)', required: true }) }
  static override flags = { ttl: ttlFlag({ description: `time to live of every pair: ${TTL_UNITS}; default: the cluster's defaultTtl` }) }

  async run (): Promise<{ results: Array<{ key: string, stored: boolean, error?: string }> }> {
    const { argv, flags } = await this.parse(Mput)
    const entries = (argv as string[]).map((pair): [string, string] => {
      const at = pair.indexOf('=')
      if (at <= 0) this.error(`not a KEY=VALUE pair: ${describeKey(pair)}`, { exit: EXIT.USAGE })
      return [pair.slice(0, at), pair.slice(at + 1)]
    })
    const results = await (await this.cache(flags)).putMultiple(entries, { ttl: flags.ttl })
    const failed = results.filter((r) => !r.ok)
    for (const r of failed) if (!r.ok) this.logToStderr(`${describeKey(r.key)}: ${r.error.message}`)
    if (failed.length > 0) process.exitCode = EXIT.CLUSTER
    this.log(`stored ${results.length - failed.length}/${results.length}`)
    return { results: results.map((r) => r.ok ? { key: r.key, stored: true } : { key: r.key, stored: false, error: r.error.message }) }
  }
}
