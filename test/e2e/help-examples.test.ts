// Every example in every command's --help, run as a user would type it (a shell, `dcache` on the PATH) against one
// real cluster. The examples come from oclif.manifest.json (written by the build), so a new command's examples are
// covered without touching this file, unless they need a placeholder or a bounded form (see EXCEPTIONS).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config, Parser } from '@oclif/core'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'
import { ringsConverged, startRealCluster, waitForMembership, type RealCluster } from '../support/real-cluster.js'
import type { RunningNode } from '../../src/node/index.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { examples?: Array<string | { command: string }> }> }

/** Examples running at once: process starts are CPU-bound (2 cores), the rest is waiting on the cluster. */
const CONCURRENCY = 4
const EXAMPLE_TIMEOUT_MS = 60_000

/**
 * How an example is run when not "to its end, exit code 0, in phase 1". Phase 1 runs first, CONCURRENCY at a time
 * (the longest first); phase 2 runs after it, one example at a time in the order of the EXCEPTIONS rows: what must
 * not interleave with phase 1's writes, and what is destructive (deletes the seeded keys, empties the cluster,
 * removes and forgets members).
 */
interface How {
  /** `exit`: runs to its end. `until`: runs until stopped; once stdout matches `ready` it gets `stop`, then must exit 0. `parse`: parsed only, not started. */
  run: 'exit' | 'until' | 'parse'
  ready?: RegExp
  /** A signal to it, or keys typed into its terminal. */
  stop?: 'SIGINT' | 'SIGTERM' | { keys: string }
  /** Needs a terminal: runs under script(1) in a 120x40 pseudo-terminal. */
  pty?: boolean
  /** Rewrites the example into a bounded form. */
  bound?: (text: string) => string
  phase?: 2
  /** Waits for what the example needs (e.g. a member that has left) before it runs. */
  before?: () => Promise<void>
}

/** Ctrl-C ends a follower: exit code 0 if it caught the signal, else killed by it, as a shell reports Ctrl-C. */
const CTRL_C_OK = 'SIGINT'
/** Ctrl-C typed into a terminal in raw mode, which the dashboard reads as a key: it quits even with a popup open. */
const CTRL_C_KEY = '\u0003'

const EXCEPTIONS: Array<{ example: RegExp, how: How, why: string }> = [
  { example: /^dcache node start/, how: { run: 'until', ready: /ready/, stop: 'SIGTERM' }, why: 'a node runs until stopped: once it prints "ready", SIGTERM makes it leave and exit 0' },
  { example: /^dcache dashboard/, how: { run: 'until', ready: /alive/, stop: { keys: CTRL_C_KEY }, pty: true }, why: 'needs a terminal: quit with Ctrl-C (a key to the dashboard) once the member table shows' },
  { example: /^dcache demo$/, how: { run: 'until', ready: /alive/, stop: { keys: CTRL_C_KEY }, pty: true }, why: 'three node processes and the dashboard: quit with Ctrl-C once the member table shows; it stops its nodes and exits 0' },
  { example: /^dcache demo --nodes 5$/, how: { run: 'parse' }, why: 'the path `dcache demo` runs above, with two more node processes (about 1 s of CPU each)' },
  { example: /^dcache demo --no-dashboard --no-load$/, how: { run: 'parse' }, why: 'test/e2e/demo.test.ts runs it for real (with --nodes 2), and its output too' },
  { example: /^dcache events --follow/, how: { run: 'until', ready: /\S/, stop: CTRL_C_OK }, why: 'follows until Ctrl-C: stopped after its first event (exit code 0, or killed by SIGINT if it came before its handler)' },
  {
    example: /^dcache bench/,
    how: { run: 'exit', bound: (text) => /-n \d+/.test(text) ? text.replace(/-n \d+/, '-n 200') : `${text} -n 200` },
    why: 'a load test of 100,000 requests per test by default: 200 per test, every other flag as written'
  },
  { example: /^printf "SET a 1/, how: { run: 'exit', phase: 2 }, why: 'its SET a / INCR a / GET a must not interleave with `mput a=1 …`' },
  { example: /^dcache (del|clear) /, how: { run: 'exit', phase: 2 }, why: 'destructive: after every example that reads the seeded keys' },
  { example: /^dcache node remove /, how: { run: 'exit', phase: 2 }, why: 'each removes one of the spare members (its name, id suffix or id stands for the placeholder)' },
  {
    example: /^dcache node forget /,
    how: { run: 'exit', phase: 2, before: async () => { await spareHasLeft(forgetIndex) } },
    why: 'each forgets a spare that `node remove` took out, once the contact member has seen it leave'
  }
]

/** Commands whose examples must run one after another (in one directory), e.g. one writes a file the next reads. */
const IN_ORDER = new Set(['keygen'])

/** Keys the examples read, stored before they run (as a user following the help would have them). */
const SEEDED: Array<[string, unknown]> = [
  ['greeting', 'hello'], ['session:42', '{"user":7}'], ['logo', new Uint8Array([0x89, 0x50, 0x4e, 0x47])],
  ['cart:7', 'apple'], ['config:version', '6'], ['a', '1'], ['b', '2'], ['c', '3']
]

/** Files the examples name, in every example's working directory. */
const FIXTURES: Record<string, string | Uint8Array> = {
  'logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'commands.txt': 'SET c:1 one\nGET c:1\nINCR c:n\nMGET c:1 c:n\n',
  'dcache.yaml': 'maxMemory: 256mb\nevictionPolicy: lfu\n'
}

interface Example { id: string, text: string, how: How, why?: string }
interface Outcome { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number, note?: string }

const examples: Example[] = Object.entries(manifest.commands).flatMap(([id, c]) => (c.examples ?? []).map((e): Example => {
  const text = (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'dcache')
  const row = EXCEPTIONS.find((r) => r.example.test(text))
  return { id, text, how: row?.how ?? { run: 'exit' }, why: row?.why }
}))

/** `# prints A, B` (or `A, then B`) at the end of an example: the lines it must print. */
function promisedLines (text: string): string[] | undefined {
  const m = /#\s*prints (.+)$/.exec(text)
  return m === null ? undefined : (m[1] as string).split(/, (?:then )?/).map((s) => s.trim())
}

let cluster: RealCluster
let workDir: string
let binDir: string
let memberAddresses: string[]
let spareToAdd: RunningNode
/** Members the node remove examples take out (one each, in order) and the node forget examples then drop. */
const spares: RunningNode[] = []
let removeIndex = 0
let forgetIndex = 0
const running = new Set<ChildProcess>()
/** Node processes a demo printed, ended if the demo did not end them. */
const demoPids = new Set<number>()

test.before(async () => {
  cluster = await startRealCluster(3)
  workDir = await mkdtemp(join(tmpdir(), 'dcache-examples-'))
  binDir = join(workDir, 'bin')
  await mkdir(binDir)
  await writeFile(join(binDir, 'dcache'), `#!/bin/sh\nexec "${process.execPath}" "${DCACHE_BIN}" "$@"\n`)
  await chmod(join(binDir, 'dcache'), 0o755)
  memberAddresses = cluster.nodes.map((n) => n.addresses[0] as string)
  for (let i = 1; i <= 3; i++) spares.push(await cluster.add(`spare-${i}`))
  spareToAdd = await cluster.add('spare-add', { join: [] })
  const members = cluster.nodes.filter((n) => n !== spareToAdd)
  await waitForMembership(members, () => ringsConverged(members), 'every member in every ring', 60_000) // six nodes in one process, beside another test file
  const client = await cluster.client()
  for (const [key, value] of SEEDED) await client.put(key, value, { ttl: 3600 })
})

test.after(async () => {
  for (const child of running) stop(child, 'SIGKILL')
  for (const pid of demoPids) { try { process.kill(pid, 'SIGKILL') } catch {} }
  await cluster?.stop()
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true })
})

/**
 * Fills in the placeholders of an example: member addresses, fixed ports, and the member a `node remove` or
 * `node forget` names (by name, id suffix or id). Throws on a placeholder it does not know.
 */
function fillIn (ex: Example): string {
  let out = ex.text
    .replaceAll('/ip4/127.0.0.1/tcp/7700/p2p/12D3KooW...', memberAddresses[0] as string)
    .replaceAll('/ip4/127.0.0.1/tcp/7701/p2p/12D3KooW...', spareToAdd.addresses[0] as string)
    .replace(/--listen \/ip4\/127\.0\.0\.1\/tcp\/\d+/g, '--listen /ip4/127.0.0.1/tcp/0')
  if (ex.id === 'node:remove' || ex.id === 'node:forget') {
    const spare = spares[ex.id === 'node:remove' ? removeIndex++ : forgetIndex++]
    if (spare === undefined) throw new Error(`no spare member left for: ${ex.text}`)
    out = out.replace(/ (node-\d+|[1-9A-HJ-NP-Za-km-z]{8}|12D3KooWAbc\.\.\.)( |$)/, (_all, form: string, end: string) =>
      ` ${form.startsWith('node-') ? spare.node.config.name : form.startsWith('12D3KooW') ? spare.node.id : spare.node.id.slice(-8)}${end}`)
  }
  if (/12D3KooW\w*\.\.\./.test(out)) throw new Error(`unknown placeholder in "${ex.text}": add it to fillIn`)
  return out
}

/** Resolves once the first member sees the spare the `index`-th forget names as left (or dead). */
async function spareHasLeft (index: number): Promise<void> {
  const spare = spares[index]
  const first = cluster.nodes[0]
  if (spare === undefined || first === undefined) return
  await waitForMembership([first], () => ['left', 'dead'].includes(first.node.membership.get(spare.node.id)?.state ?? ''), `${spare.node.config.name} to have left`)
}

function stop (child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}

async function prepareDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const [name, content] of Object.entries(FIXTURES)) await writeFile(join(dir, name), content)
}

/** Runs one example in `dir` with its own HOME (so ~/.dcache is its own), as `how` says. */
async function runExample (ex: Example, dir: string, home: string): Promise<Outcome> {
  const started = Date.now()
  let text = fillIn(ex)
  if (ex.how.bound !== undefined) text = ex.how.bound(text)
  // a long-running example replaces the shell (and `dcache` its shim): the child is the command, so a signal
  // reaches it and its exit code is its own
  if (ex.how.run === 'until') text = `exec ${text}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    HOME: home,
    DCACHE_NODE: memberAddresses.join(','),
    DCACHE_LISTEN: '/ip4/127.0.0.1/tcp/0',
    DCACHE_DATA_DIR: '',
    DCACHE_SWARM_KEY: '',
    TERM: 'xterm-256color'
  }
  const [file, args] = ex.how.pty === true
    ? ['script', ['-qec', `stty cols 120 rows 40; ${text}`, '/dev/null']]
    : ['bash', ['-c', text]]
  // Not detached: if the test runner ends this file's process group, the examples go with it (a pty's session
  // gets SIGHUP when script(1) goes).
  const child = spawn(file, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] })
  running.add(child)
  let stdout = ''
  let stderr = ''
  let note: string | undefined
  const { promise: ready, resolve: markReady } = Promise.withResolvers<void>()
  child.stdout.on('data', (d) => {
    stdout += String(d)
    for (const m of stdout.matchAll(/pid (\d+)/g)) if (ex.id === 'demo') demoPids.add(Number(m[1]))
    if (ex.how.ready?.test(stdout) === true) markReady()
  })
  child.stderr.on('data', (d) => { stderr += String(d) })
  if (ex.how.run !== 'until' || ex.how.pty !== true) child.stdin.end()
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (code, signal) => { resolve([code, signal]) }))
  const timer = setTimeout(() => { note = `timed out after ${EXAMPLE_TIMEOUT_MS} ms`; stop(child, 'SIGKILL') }, EXAMPLE_TIMEOUT_MS)
  try {
    if (ex.how.run === 'until') {
      const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)])
      if (first === 'exited') note ??= 'exited before it was ready'
      else if (typeof ex.how.stop === 'object') child.stdin.write(ex.how.stop.keys)
      else stop(child, ex.how.stop ?? 'SIGTERM')
    }
    const [code, signal] = await exited
    return { code, signal, stdout, stderr, ms: Date.now() - started, note }
  } finally {
    clearTimeout(timer)
    running.delete(child)
  }
}

/** Parses an example's arguments with the command's own flags and args, without running it. */
async function parseExample (ex: Example, config: Config): Promise<Outcome> {
  const started = Date.now()
  await config.runHook('init', { id: ex.id, argv: [] }) // as a run does: the bundle loads the command's chunk then
  const command = await config.findCommand(ex.id)?.load()
  if (command === undefined) return { code: 127, signal: null, stdout: '', stderr: `no command ${ex.id}`, ms: 0 }
  const argv = ex.text.split(/\s+/).slice(1 + ex.id.split(':').length)
  try {
    await Parser.parse(argv, { flags: { ...command.baseFlags, ...command.flags }, args: command.args, strict: command.strict })
    return { code: 0, signal: null, stdout: '', stderr: '', ms: Date.now() - started }
  } catch (err) {
    return { code: 2, signal: null, stdout: '', stderr: (err as Error).message, ms: Date.now() - started }
  }
}

/** What is wrong with an outcome, or undefined if it is what the example promises. */
function problem (ex: Example, o: Outcome): string | undefined {
  if (o.note !== undefined) return o.note
  if (ex.how.stop === CTRL_C_OK && o.signal === 'SIGINT') return undefined
  if (o.code !== 0) return `exit code ${String(o.code)}${o.signal === null ? '' : ` (signal ${o.signal})`}`
  const lines = promisedLines(ex.text)
  if (lines !== undefined && o.stdout.trim().split('\n').join('|') !== lines.join('|')) return `printed ${JSON.stringify(o.stdout)}, the help says ${lines.join(', ')}`
  return undefined
}

/** Runs `jobs` CONCURRENCY at a time. */
async function pool (jobs: Array<() => Promise<void>>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < jobs.length) await (jobs[next++] as () => Promise<void>)()
  }))
}

test('every example in every command\'s --help runs as its help says', async () => {
  assert.ok(examples.length >= 50, `examples in the manifest: ${examples.length}`)
  const config = await Config.load(ROOT)
  const failures: string[] = []
  const outcomes = new Map<Example, Outcome>()
  const record = (ex: Example, o: Outcome): void => {
    outcomes.set(ex, o)
    if (process.env.DCACHE_EXAMPLES_TRACE === '1') console.error(`${String(o.ms).padStart(6)} ms  ${String(o.code)}  ${ex.text}  ${o.note ?? ''}`)
    const wrong = problem(ex, o)
    if (wrong !== undefined) failures.push(`${ex.text}\n    ${wrong}\n    stdout: ${o.stdout.slice(-300).trim()}\n    stderr: ${o.stderr.slice(-500).trim()}`)
  }
  const run = async (group: Example[]): Promise<void> => {
    const dir = await mkdtemp(join(workDir, 'run-'))
    await prepareDir(dir)
    for (const ex of group) {
      await ex.how.before?.()
      if (ex.how.run === 'parse') record(ex, await parseExample(ex, config))
      else record(ex, await runExample(ex, dir, await mkdtemp(join(dir, 'home-'))))
    }
  }
  // Phase 1: one group per example, except commands whose examples run in order; the long-running ones first.
  const first = examples.filter((ex) => ex.how.phase === undefined)
  const groups = [...new Set(first.map((ex) => ex.id))].flatMap((id) => {
    const own = first.filter((ex) => ex.id === id)
    return IN_ORDER.has(id) ? [own] : own.map((ex) => [ex])
  })
  const long = (group: Example[]): boolean => group.some((ex) => ex.how.run === 'until')
  await pool([...groups.filter(long), ...groups.filter((g) => !long(g))].map((group) => async () => { await run(group) }))
  // Phase 2: one at a time, in the order of the rows
  const row = (ex: Example): number => EXCEPTIONS.findIndex((r) => r.how === ex.how)
  await run(examples.filter((ex) => ex.how.phase === 2).sort((a, b) => row(a) - row(b)))
  if (process.env.DCACHE_EXAMPLES_TRACE === '1') console.error('test process cpu', process.cpuUsage())
  assert.is(outcomes.size, examples.length, 'every example ran or was parsed')
  assert.equal(failures, [], `${failures.length} example(s) do not do what their help says:\n${failures.join('\n')}`)
})

test.run()
