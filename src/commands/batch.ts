import { createInterface } from 'node:readline'
import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'
import { formatBatchResult, runBatch } from '../cli/batch.js'

export default class Batch extends ClientCommand {
  static override description = `Run one command per stdin line over one connection and print one result per line, in order (like redis-cli pipe mode).
Commands: GET, SET/PUT key value [EX s], DEL, EXISTS, INCR, INCRBY, DECR, DECRBY, GETSET, EXPIRE/TOUCH, TTL, MGET. Lines run as they arrive (a never-ending pipe works). Blank lines and # comments are skipped. Exit code 3 if any line failed.`

  static override examples = [
    'printf "SET a 1\\nINCR a\\nGET a\\n" | <%= config.bin %> batch',
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
      process.exitCode = EXIT.CLUSTER
      this.logToStderr(`${summary.failed} of ${summary.ok + summary.failed} commands failed`)
    }
  }
}
