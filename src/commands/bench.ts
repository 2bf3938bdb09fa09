import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EXIT, exitCodeFor } from '../cli/exit-codes.js'
import { ttlFlag } from '../cli/flags.js'
import { formatTable } from '../cli/table.js'
import { formatPercent } from '../tui/format.js'
import { errorFromWire } from '../common/errors.js'
import type { DistributedCache } from '../client/distributed-cache.js'
import { readSwarmKeyFile } from '../cli/swarm-key-file.js'
import { probeValueSize, deleteKeys, CPU_BOUND_LOAD, LOAD_TESTS, type LoadTestName, type LoadTestResult } from '../client/load-generator.js'
import { checkWorkerSplit, LoadGenerator } from '../client/load-workers.js'

export default class Bench extends ClientCommand {
  static override description = `Load-test the cluster in the spirit of redis-benchmark: ops/s, latency percentiles and the GET hit rate per test
Bench writes into the live cluster: set and mixed write <prefix>key:NNNNNNNNNNNN (up to -r keys), incr counts in <prefix>counter:NNNNNNNNNNNN, and they stay for --ttl (default, and always for counters: the cluster's default TTL, 1 h unless configured). Pass --cleanup to delete them at the end, or a short --ttl; --prefix keeps them apart from your keys.
With --workers K the load comes from K processes, each with its own connection, splitting -n and -c between them and started together; the report merges them (latency percentiles over every request). CPU per 1,000 requests is shown for the load generator (all its processes) and for the nodes (from their statistics before and after each test); a warning says when the generator was CPU-bound (its CPU time >= ${CPU_BOUND_LOAD * 100}% of wall time x min(workers, cores)), as its figures are then the client's, not the cluster's.
Exit codes: 0 when every request succeeded, 2 for bad input (an unknown test, a -d over the cluster's value limit, refused before any load), 3 when requests failed in the cluster (the reasons are printed, most frequent first).`

  // its figures are those of the network path, as redis-benchmark's are of TCP unless told otherwise
  static override localSocket = false

  static override examples = [
    '<%= config.bin %> bench',
    '<%= config.bin %> bench -n 200000 -c 50 -P 16 -t get,set -d 100',
    '<%= config.bin %> bench -t mixed -r 10000 --json',
    '<%= config.bin %> bench -t set,get,incr --prefix bench: --cleanup',
    '<%= config.bin %> bench -n 200000 -c 50 --workers 2'
  ]

  static override flags = {
    requests: Flags.integer({ char: 'n', description: 'requests per test', default: 100_000, min: 1 }),
    clients: Flags.integer({ char: 'c', description: 'concurrent clients', default: 50, min: 1 }),
    pipeline: Flags.integer({ char: 'P', description: 'requests each client sends together (one pipeline) and waits for, as redis-benchmark -P', default: 1, min: 1, max: 10_000 }),
    tests: Flags.string({ char: 't', description: `comma-separated tests: ${LOAD_TESTS.join(', ')}`, default: 'set,get' }),
    'data-size': Flags.integer({ char: 'd', description: 'value size in bytes (checked against the cluster\'s value limit first)', default: 100, min: 0 }),
    keyspace: Flags.integer({ char: 'r', description: 'random keys drawn from this many', default: 100_000, min: 1 }),
    'max-seconds': Flags.integer({ description: 'stop each test after this long', default: 60, min: 1 }),
    prefix: Flags.string({ description: 'prefix of every key bench writes', default: '' }),
    ttl: ttlFlag({ description: 'seconds to live of the values bench writes; default: the cluster\'s defaultTtl' }),
    cleanup: Flags.boolean({ description: 'delete every key bench wrote when the tests are done', default: false }),
    workers: Flags.integer({ description: 'processes the load comes from, each with its own connection (1: this process)', default: 1, min: 1 })
  }

  /** Under --json: one JSON object per test, one per line (as each test finishes), for scripts that stream. */
  async run (): Promise<void> {
    const { flags } = await this.parse(Bench)
    const tests = flags.tests.split(',').map((t) => t.trim())
    const unknown = tests.filter((t) => !(LOAD_TESTS as readonly string[]).includes(t))
    if (unknown.length > 0) this.error(`unknown test ${unknown.join(', ')}; choose from ${LOAD_TESTS.join(', ')}`, { exit: EXIT.USAGE })
    checkWorkerSplit(flags.clients, flags.workers)
    const cache = await this.cache(flags)
    const written = flags.cleanup ? new Set<string>() : undefined
    const keys = { prefix: flags.prefix, ttl: flags.ttl, written }
    try {
      if (tests.includes('set') || tests.includes('mixed')) await this.checkDataSize(cache, { ...keys, valueBytes: flags['data-size'] })
      const results: LoadTestResult[] = []
      const generator = await LoadGenerator.start(cache, {
        workers: flags.workers,
        connect: { addresses: this.connectedAddresses ?? [], options: { timeout: flags.timeout, swarmKey: await readSwarmKeyFile(flags['swarm-key']), consistency: flags.consistency } }
      })
      try {
        for (const test of tests as LoadTestName[]) {
          const result = await generator.run({
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
      } finally {
        await generator.close()
      }
      if (!this.jsonEnabled()) this.printReport(results, flags)
      for (const r of results.filter((x) => x.cpuBound)) {
        this.logToStderr(`warning: ${r.test.toUpperCase()}: the load generator was CPU-bound (${formatPercent(r.cpuLoad)} busy): these figures are the client's limit more than the cluster's`)
      }
      this.reportFailures(results)
    } finally {
      if (written !== undefined) await this.cleanUp(cache, written)
    }
  }

  private printReport (results: LoadTestResult[], flags: { clients: number, pipeline: number, 'data-size': number, keyspace: number, workers: number }): void {
    const nodesCpu = (r: LoadTestResult): string => r.nodes === undefined ? '-' : r.nodes.reduce((a, n) => a + n.cpuMsPer1000, 0).toFixed(1)
    this.log(formatTable(['test', 'requests', 'errors', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'hit', 'client cpu/1k', 'nodes cpu/1k'],
      results.map((r) => [r.test.toUpperCase(), r.requests, r.errors, r.opsPerSec, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs,
        formatPercent(r.hitRatio), r.cpuMsPer1000.toFixed(1), nodesCpu(r)])))
    const workers = flags.workers === 1 ? 'this process' : `${flags.workers} worker processes`
    this.log(`${flags.clients} clients x ${flags.pipeline} pipelined from ${workers}, ${flags['data-size']}-byte values, keyspace ${flags.keyspace}; cpu/1k: CPU ms per 1,000 requests`)
    const names = [...new Set(results.flatMap((r) => (r.nodes ?? []).map((n) => n.name)))].sort()
    if (names.length < 2) return
    this.log('')
    this.log(formatTable(['node cpu/1k', ...results.map((r) => r.test.toUpperCase())],
      names.map((name) => [name, ...results.map((r) => r.nodes?.find((n) => n.name === name)?.cpuMsPer1000.toFixed(1) ?? '-')])))
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
