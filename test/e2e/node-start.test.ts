// `dcache node start` as an operator runs it: its log lines, its flags, and the local failures that stop it at once.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

interface JsonLine { ts: string, level: string, event: string, msg: string, [field: string]: unknown }

/** A `dcache node start` process whose stdout lines are kept; `until` resolves on the first line that matches. */
class NodeProcess {
  readonly lines: string[] = []
  private readonly waiters = new Set<() => void>()
  private stderr = ''

  constructor (readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.lines.push(line)
      for (const wake of [...this.waiters]) wake()
    })
    child.stderr?.on('data', (d) => { this.stderr += String(d) })
    child.once('exit', () => { for (const wake of [...this.waiters]) wake() })
  }

  static start (args: string[], env: Record<string, string> = {}): NodeProcess {
    return new NodeProcess(spawn(process.execPath, [DCACHE_BIN, 'node', 'start', '--listen', '/ip4/127.0.0.1/tcp/0', '--preset', 'local', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env }
    }))
  }

  async until (wanted: (line: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const { promise, resolve, reject } = Promise.withResolvers<string>()
    const check = (): void => {
      const found = this.lines.find(wanted)
      if (found !== undefined) resolve(found)
      else if (this.child.exitCode !== null) reject(new Error(`node exited (${this.child.exitCode}) before ${what}: ${this.lines.join('\n')}\n${this.stderr}`))
    }
    const timer = setTimeout(() => { reject(new Error(`timed out waiting for ${what}: ${this.lines.join('\n')}\n${this.stderr}`)) }, timeoutMs)
    this.waiters.add(check)
    try {
      check()
      return await promise
    } finally {
      clearTimeout(timer)
      this.waiters.delete(check)
    }
  }

  async stop (): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    const escalate = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(escalate)
  }
}

const parse = (line: string): JsonLine => JSON.parse(line) as JsonLine

test('a node logs the join of another one; json lines parse; levels filter from a flag or DCACHE_LOG_LEVEL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-node-start-'))
  const nodes: NodeProcess[] = []
  try {
    const first = NodeProcess.start(['--data-dir', join(dir, 'a'), '--name', 'a', '--log-format', 'json', '--log-level', 'debug', '--max-memory', '200kb'])
    nodes.push(first)
    const listening = parse(await first.until((l) => l.includes('"node:listening"'), 'the first node\'s address'))
    const second = NodeProcess.start(['--data-dir', join(dir, 'b'), '--name', 'b', '--join', listening.address as string], { DCACHE_LOG_LEVEL: 'error' })
    nodes.push(second)
    const ready = await second.until((l) => /^node b \(\S+\) ready/.test(l), 'the second node to be ready')
    const secondId = /\((\S+)\)/.exec(ready)?.[1]

    const joinLine = parse(await first.until((l) => l.includes('"member:join"'), 'a join line on the first node'))
    assert.equal([joinLine.level, joinLine.name, joinLine.member, joinLine.state], ['info', 'b', secondId, 'alive'])
    assert.match(joinLine.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const all = first.lines.map(parse)
    assert.ok(all.every((l) => typeof l.ts === 'string' && typeof l.level === 'string' && typeof l.event === 'string' && typeof l.msg === 'string'))
    const config = all.find((l) => l.event === 'node:config')
    assert.is(config?.level, 'debug', 'debug lines show at --log-level debug')
    assert.is(config?.maxValueBytes, 200 * 1024 - 1024, '--max-memory 200kb alone picks a value limit that fits')

    // at error level the second node printed its own join of the first before "ready": nothing but the ready lines
    assert.ok(second.lines.every((l) => /^(listening on|node b )/.test(l)), second.lines.join('\n'))
  } finally {
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    await rm(dir, { recursive: true, force: true })
  }
})

test('local failures exit 4 with one line: a data dir under /proc, a taken listen port', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-node-start-'))
  const server = createServer()
  try {
    const proc = await runCli(['node', 'start', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', '/proc/nope'])
    assert.is(proc.code, 4, proc.stderr)
    assert.match(proc.stderr, /cannot create data dir \/proc\/nope: ENOENT: no such file or directory\n/)
    assert.is(proc.stderr.trim().split('\n').length, 1, proc.stderr)

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const taken = await runCli(['node', 'start', '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--data-dir', join(dir, 'x')])
    assert.is(taken.code, 4, taken.stderr)
    assert.match(taken.stderr, `cannot listen on /ip4/127.0.0.1/tcp/${port}: address in use\n`)
    assert.is(taken.stderr.trim().split('\n').length, 1, taken.stderr)
  } finally {
    server.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('generated flags reach the config: a value limit that does not fit names both fields, exit 2', async () => {
  const result = await runCli(['node', 'start', '--data-dir', '/nonexistent', '--max-memory', '200kb', '--max-value-bytes', '300kb', '--eviction', 'lfu'])
  assert.is(result.code, 2, result.stderr)
  assert.match(result.stderr, /invalid maxValueBytes: must fit in maxMemory \(204800\) together with maxKeyBytes \(1024\) \(got 307200\)/)
})

test.run()
