import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'
import { formatTable } from '../cli/table.js'
import { LOAD_TESTS, runLoadTest, type LoadTestName, type LoadTestResult } from '../client/load-generator.js'

export default class Bench extends ClientCommand {
  static override description = 'Load-test the cluster in the spirit of redis-benchmark: ops/s and latency percentiles per test'
  static override examples = [
    '<%= config.bin %> bench',
    '<%= config.bin %> bench -n 200000 -c 50 -P 16 -t get,set -d 100',
    '<%= config.bin %> bench -t mixed -r 10000 --json'
  ]

  static override flags = {
    requests: Flags.integer({ char: 'n', description: 'requests per test', default: 100_000, min: 1 }),
    clients: Flags.integer({ char: 'c', description: 'concurrent clients', default: 50, min: 1 }),
    pipeline: Flags.integer({ char: 'P', description: 'requests each client keeps in flight', default: 1, min: 1 }),
    tests: Flags.string({ char: 't', description: `comma-separated tests: ${LOAD_TESTS.join(', ')}`, default: 'set,get' }),
    'data-size': Flags.integer({ char: 'd', description: 'value size in bytes', default: 100, min: 0 }),
    keyspace: Flags.integer({ char: 'r', description: 'random keys drawn from this many', default: 100_000, min: 1 }),
    'max-seconds': Flags.integer({ description: 'stop each test after this long', default: 60, min: 1 })
  }

  /** Under --json: one JSON object per test, one per line (as each test finishes), for scripts that stream. */
  async run (): Promise<void> {
    const { flags } = await this.parse(Bench)
    const tests = flags.tests.split(',').map((t) => t.trim())
    const unknown = tests.filter((t) => !(LOAD_TESTS as readonly string[]).includes(t))
    if (unknown.length > 0) this.error(`unknown test ${unknown.join(', ')}; choose from ${LOAD_TESTS.join(', ')}`, { exit: EXIT.USAGE })
    const cache = await this.cache(flags)
    const results: LoadTestResult[] = []
    for (const test of tests as LoadTestName[]) {
      const result = await runLoadTest(cache, {
        test,
        requests: flags.requests,
        concurrency: flags.clients,
        pipeline: flags.pipeline,
        valueBytes: flags['data-size'],
        keyspace: flags.keyspace,
        maxSeconds: flags['max-seconds'],
        onProgress: this.jsonEnabled() || !process.stderr.isTTY
          ? undefined
          : (done, ms) => { process.stderr.write(`\r${test}: ${done}/${flags.requests} (${Math.round(done / (ms / 1000))} ops/s)   `) }
      })
      if (!this.jsonEnabled() && process.stderr.isTTY) process.stderr.write('\r\x1b[K')
      results.push(result)
      if (this.jsonEnabled()) process.stdout.write(JSON.stringify(result) + '\n')
    }
    if (this.jsonEnabled()) return
    this.log(formatTable(['test', 'requests', 'errors', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      results.map((r) => [r.test.toUpperCase(), r.requests, r.errors, r.opsPerSec, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs])))
    this.log(`${flags.clients} clients x ${flags.pipeline} in flight, ${flags['data-size']}-byte values, keyspace ${flags.keyspace}`)
  }
}
