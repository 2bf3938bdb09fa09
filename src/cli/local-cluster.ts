import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { MEMBERS_FILE } from '../client/members-file.js'
import { NetworkError } from '../common/errors.js'
import { PACKAGE_ROOT } from '../common/package-root.js'

/** The directory of this package (where `npx dcache` finds it). */
export const PROJECT_DIR = PACKAGE_ROOT

/** The dcache executable of this package (bin/run.js), run with the Node that runs us (the pinned Node 22). */
export const DCACHE_BIN = join(PACKAGE_ROOT, 'bin', 'run.js')

/**
 * A shell command that runs this package's CLI from any directory: the Node that runs us (the pinned Node 22; a
 * `node` on PATH may be older) and bin/run.js, by absolute paths. `npx dcache` works only inside the project:
 * anywhere else npx looks the name up on the npm registry.
 */
export const DCACHE_COMMAND = [process.execPath, DCACHE_BIN].map(shellQuote).join(' ')

/** Quotes `word` for a POSIX shell unless it needs none. */
export function shellQuote (word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export interface LocalNode {
  name: string
  pid: number
  /** The first multiaddr it printed (with /p2p/<id>). */
  address: string
  dataDir: string
  process: ChildProcess
}

export interface LocalClusterInit {
  nodes: number
  /** Extra `dcache node start` flags for every node. */
  nodeArgs?: string[]
  /** Milliseconds to wait for each node to print its address. @default 30000 */
  startTimeoutMs?: number
  /** A command each node runs under, e.g. `['ip', 'netns', 'exec', 'ns1']` (it must exec, keeping the PID). */
  wrapper?: string[]
  /** Environment variables of every node on top of this process's, e.g. NODE_OPTIONS for a CPU profile. */
  env?: Record<string, string>
}

/**
 * N `dcache node start` processes on 127.0.0.1 (free ports, one temporary data dir), the first a seed the
 * others join. Used by `dcache demo` and by the end-to-end tests. stop() ends only the processes it started.
 */
export class LocalCluster {
  private constructor (readonly baseDir: string, readonly nodes: LocalNode[]) {}

  static async start (init: LocalClusterInit): Promise<LocalCluster> {
    const baseDir = await mkdtemp(join(tmpdir(), 'dcache-'))
    const cluster = new LocalCluster(baseDir, [])
    try {
      for (let i = 0; i < init.nodes; i++) await cluster.startNode(`node-${i + 1}`, init)
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  /** Starts one more node that joins the first (the seed) unless `join` is false; resolves once it printed its address. */
  async startNode (name: string, init: Omit<LocalClusterInit, 'nodes'> & { join?: boolean } = {}, dataDir = join(this.baseDir, name)): Promise<LocalNode> {
    const seed = init.join === false ? undefined : this.nodes[0]?.address
    const args = [DCACHE_BIN, 'node', 'start', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', dataDir, '--name', name,
      ...(seed === undefined ? [] : ['--join', seed]), ...(init.nodeArgs ?? [])]
    const [command, ...prefix] = [...(init.wrapper ?? []), process.execPath]
    const child = spawn(command as string, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...init.env } })
    endWithThisProcess(child)
    const address = await waitForAddress(child, init.startTimeoutMs ?? 30_000)
    const node = { name, pid: child.pid as number, address, dataDir, process: child }
    this.nodes.push(node)
    return node
  }

  /** Sends `signal` to one node and waits for it to exit. */
  async kill (node: LocalNode, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const index = this.nodes.indexOf(node)
    if (index >= 0) this.nodes.splice(index, 1)
    await stopProcess(node.process, signal)
  }

  /**
   * Writes `<baseDir>/dcache`, a script that runs the CLI against this cluster from any directory, and returns its
   * path; stop() removes it with the data dir. It uses the first node's data dir, as an operator on that node's machine
   * would: its local socket, then the other nodes, remembered in its members.addr from the start.
   */
  async writeCliScript (): Promise<string> {
    const file = join(this.baseDir, 'dcache')
    const first = this.nodes[0]
    if (first === undefined) throw new Error('no node to write a CLI script for')
    await writeFile(join(first.dataDir, MEMBERS_FILE), this.nodes.map((n) => `${n.address}\n`).join(''))
    await writeFile(file, [
      '#!/bin/sh',
      '# dcache against the local cluster of `dcache demo`; removed when the demo stops',
      `export DCACHE_DATA_DIR=${shellQuote(first.dataDir)}`,
      'unset DCACHE_NODE',
      `exec ${DCACHE_COMMAND} "$@"`,
      ''
    ].join('\n'))
    await chmod(file, 0o755)
    return file
  }

  async stop (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async (n) => { await stopProcess(n.process, 'SIGTERM') }))
    await rm(this.baseDir, { recursive: true, force: true })
  }
}

function waitForAddress (child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = ''
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new NetworkError(`node did not start: ${why}${stderr === '' ? '' : `\n${stderr.trim()}`}`))
    }
    const timer = setTimeout(() => { fail(`no address after ${timeoutMs} ms`) }, timeoutMs)
    child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-4096) })
    child.once('exit', (code) => { fail(`exited with code ${code}`) })
    lines.on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line)
      if (match === null) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve(match[1] as string)
    })
  })
}

/** Children that end with this process, and whether the one exit handler that ends them is in place. */
const children = new Set<ChildProcess>()
let endingChildren = false

/**
 * Ends `child` (SIGTERM: a node leaves the cluster) if this process exits before it, an uncaught error or a closed
 * stdout included, so that no node or server outlives the process that started it.
 */
export function endWithThisProcess (child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => { children.delete(child) })
  if (endingChildren) return
  endingChildren = true
  process.on('exit', () => { for (const c of children) c.kill('SIGTERM') })
}

/** Sends `signal` to `child` and waits for it to exit (SIGKILL after 5 s). */
export async function stopProcess (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  child.kill(signal)
  const escalate = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(escalate)
}
