// Runs the built `dcache` (bin/run.js on the pinned Node) as a child process.
import { spawn } from 'node:child_process'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'

export interface CliResult { code: number | null, stdout: string, stderr: string }

export interface CliOptions {
  env?: Record<string, string>
  input?: string | Uint8Array
  timeoutMs?: number
  /** A command to run it under, e.g. `['ip', 'netns', 'exec', 'ns1']`. */
  wrapper?: string[]
}

export async function runCli (args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const [command, ...prefix] = [...(opts.wrapper ?? []), process.execPath]
  const child = spawn(command as string, [...prefix, DCACHE_BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // wide columns: oclif would wrap error messages at 80 and split the words tests look for
    env: { ...process.env, DCACHE_NODE: '', OCLIF_COLUMNS: '400', ...opts.env }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += String(d) })
  child.stderr.on('data', (d) => { stderr += String(d) })
  child.stdin.end(opts.input ?? '')
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}
