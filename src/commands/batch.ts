import { createInterface } from 'node:readline'
import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { formatBatchResult, runBatch } from '../cli/batch.js'

export default class Batch extends ClientCommand {
  static override description = `Run one command per stdin line over one connection and print one result per line, in order (like redis-cli pipe mode)
Commands: GET, SET/PUT key value [EX s], DEL, EXISTS, INCR, INCRBY, DECR, DECRBY, GETSET, EXPIRE/TOUCH, TTL, PTTL, MGET. Values are stored as strings, and INCR counts a decimal integer string as Redis does, so "SET a 1", "INCR a", "GET a" print OK, 2, 2. TTL and PTTL answer -2 for a missing key and -1 for one that never expires. MGET prints one numbered line per key (1) "value", 2) (nil)). Lines run as they arrive (a never-ending pipe works); lines on the same key run in order. Blank lines and # comments are skipped.
Exit codes: 0 every line succeeded; 2 a line was bad input (unknown command, wrong arguments, invalid key, not an integer, value too large); 3 a line met a cluster failure (unreachable, timeout, quorum), which wins over 2. The other lines run either way.`

  static override examples = [
    'printf "SET a 1\\nINCR a\\nGET a\\n" | <%= config.bin %> batch   # prints OK, 2, 2',
    '<%= config.bin %> batch --json < commands.txt'
  ]

  // --json here means one JSON object per line, so it is a flag of its own rather than oclif's whole-output JSON.
  static override enableJsonFlag = false
  static override flags = { json: Flags.boolean({ description: 'print one JSON object per line: {line, ok, result | error}' }) }

  async run (): Promise<void> {
    const { flags } = await this.parse(Batch)
    const cache = await this.cache(flags)
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
    const summary = await runBatch(cache, lines, (r) => { process.stdout.write(formatBatchResult(r, flags.json) + '\n') })
    if (summary.failed > 0) {
      process.exitCode = summary.exitCode
      this.logToStderr(`${summary.failed} of ${summary.ok + summary.failed} commands failed`)
    }
  }
}
