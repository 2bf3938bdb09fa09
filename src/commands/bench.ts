import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT, exitCodeFor } from '../cli/exit-codes.js'
import { ttlFlag } from '../cli/flags.js'
import { formatTable } from '../cli/table.js'
import { formatPercent } from '../tui/format.js'
import { errorFromWire } from '../common/errors.js'
import type { DistributedCache } from '../client/distributed-cache.js'
import { probeValueSize, deleteKeys, LOAD_TESTS, runLoadTest, type LoadTestName, type LoadTestResult } from '../client/load-generator.js'

export default class Bench extends ClientCommand {
  static override description = `Load-test the cluster in the spirit of redis-benchmark: ops/s, latency percentiles and the GET hit rate per test
Bench writes into the live cluster: set and mixed write <prefix>key:NNNNNNNNNNNN (up to -r keys), incr counts in <prefix>counter:NNNNNNNNNNNN, and they stay for --ttl (default, and always for counters: the cluster's default TTL, 1 h unless configured). Pass --cleanup to delete them at the end, or a short --ttl; --prefix keeps them apart from your keys.
Exit codes: 0 when every request succeeded, 2 for bad input (an unknown test, a -d over the cluster's value limit, refused before any load), 3 when requests failed in the cluster (the reasons are printed, most frequent first).`

  // its figures are those of the network path, as redis-benchmark's are of TCP unless told otherwise
  static override localSocket = false

  static override examples = [
    '<%= config.bin %> bench',
    '<%= config.bin %> bench -n 200000 -c 50 -P 16 -t get,set -d 100',
    '<%= config.bin %> bench -t mixed -r 10000 --json',
    '<%= config.bin %> bench -t set,get,incr --prefix bench: --cleanup'
  ]

  static override flags = {
    requests: Flags.integer({ char: 'n', description: 'requests per test', default: 100_000, min: 1 }),
    clients: Flags.integer({ char: 'c', description: 'concurrent clients', default: 50, min: 1 }),
    pipeline: Flags.integer({ char: 'P', description: 'requests each client keeps in flight', default: 1, min: 1 }),
    tests: Flags.string({ char: 't', description: `comma-separated tests: ${LOAD_TESTS.join(', ')}`, default: 'set,get' }),
    'data-size': Flags.integer({ char: 'd', description: 'value size in bytes (checked against the cluster\'s value limit first)', default: 100, min: 0 }),
    keyspace: Flags.integer({ char: 'r', description: 'random keys drawn from this many', default: 100_000, min: 1 }),
    'max-seconds': Flags.integer({ description: 'stop each test after this long', default: 60, min: 1 }),
    prefix: Flags.string({ description: 'prefix of every key bench writes', default: '' }),
    ttl: ttlFlag({ description: 'seconds to live of the values bench writes; default: the cluster\'s defaultTtl' }),
    cleanup: Flags.boolean({ description: 'delete every key bench wrote when the tests are done', default: false })
  }

  /** Under --json: one JSON object per test, one per line (as each test finishes), for scripts that stream. */
  async run (): Promise<void> {
    const { flags } = await this.parse(Bench)
    const tests = flags.tests.split(',').map((t) => t.trim())
    const unknown = tests.filter((t) => !(LOAD_TESTS as readonly string[]).includes(t))
    if (unknown.length > 0) this.error(`unknown test ${unknown.join(', ')}; choose from ${LOAD_TESTS.join(', ')}`, { exit: EXIT.USAGE })
    const cache = await this.cache(flags)
    const written = flags.cleanup ? new Set<string>() : undefined
    const keys = { prefix: flags.prefix, ttl: flags.ttl, written }
    try {
      if (tests.includes('set') || tests.includes('mixed')) await this.checkDataSize(cache, { ...keys, valueBytes: flags['data-size'] })
      const results: LoadTestResult[] = []
      for (const test of tests as LoadTestName[]) {
        const result = await runLoadTest(cache, {
          ...keys,
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
      if (!this.jsonEnabled()) {
        this.log(formatTable(['test', 'requests', 'errors', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'hit'],
          results.map((r) => [r.test.toUpperCase(), r.requests, r.errors, r.opsPerSec, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs,
            formatPercent(r.hitRatio)])))
        this.log(`${flags.clients} clients x ${flags.pipeline} in flight, ${flags['data-size']}-byte values, keyspace ${flags.keyspace}`)
      }
      this.reportFailures(results)
    } finally {
      if (written !== undefined) await this.cleanUp(cache, written)
    }
  }

  /** A value over the cluster's limit would fail every write: refuse it before the load, with the cluster's reason. */
  private async checkDataSize (cache: DistributedCache, init: Parameters<typeof probeValueSize>[1]): Promise<void> {
    try {
      await probeValueSize(cache, init)
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code !== 'VALUE_TOO_LARGE') throw err
      this.error(`-d ${init.valueBytes} is over the cluster's value limit: ${(err as Error).message}`, { exit: EXIT.USAGE, code: this.jsonEnabled() ? code : undefined })
    }
  }

  /** Failed requests make the exit code non-zero: 3 if any failure was the cluster's, else 2 (bad input). */
  private reportFailures (results: LoadTestResult[]): void {
    const failed = results.filter((r) => r.errors > 0)
    if (failed.length === 0) return
    for (const r of failed) {
      this.logToStderr(`${r.test.toUpperCase()}: ${r.errors} of ${r.requests} requests failed`)
      for (const f of r.failures) this.logToStderr(`  ${f.count} x ${f.code}: ${f.message}`)
    }
    const codes = failed.flatMap((r) => r.failures.map((f) => exitCodeFor(errorFromWire(f))))
    process.exitCode = codes.includes(EXIT.CLUSTER) ? EXIT.CLUSTER : EXIT.USAGE
  }

  private async cleanUp (cache: DistributedCache, written: Set<string>): Promise<void> {
    const deleted = await deleteKeys(cache, written)
    if (!this.jsonEnabled()) this.log(`cleanup: deleted ${deleted} of the ${written.size} keys bench wrote`)
  }
}
