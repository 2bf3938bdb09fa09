// The dashboard on fake TTY streams, its output fed to a headless xterm of the same size (FACTS section 5).
import { PassThrough, Writable } from 'node:stream'
import xterm from '@xterm/headless'
import { startDashboard, type DashboardOptions, type DashboardSession, type DashboardSource } from '../../src/tui/index.js'
import { ManualClock } from './manual-clock.js'

/** A dashboard on fake TTY streams, its output fed to a headless xterm of the same size. */
export interface Harness<S extends DashboardSource> {
  session: DashboardSession
  source: S
  clock: ManualClock
  input: PassThrough
  output: Writable & { columns: number, rows: number }
  written: string[]
  /** Waits for blessed's next-tick flush and xterm's parse, then returns the visible lines. */
  lines(): Promise<string[]>
  press(keys: string): Promise<void>
  resize(cols: number, rows: number): Promise<void>
  stop(): void
}

export function openHeadlessDashboard<S extends DashboardSource> (
  cols: number, rows: number, source: S, clock = new ManualClock(), options: Pick<DashboardOptions, 'connectHint' | 'showHelp'> = {}
): Harness<S> {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true })
  const written: string[] = []
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input })
  const output = Object.assign(new Writable({
    write (chunk, _encoding, callback) {
      written.push(chunk.toString())
      term.write(chunk.toString())
      callback()
    }
  }), { isTTY: true, columns: cols, rows })
  // Polls come only from the tests' poll() calls: the clock never reaches the refresh timer.
  const session = startDashboard({ ...options, source, input, output, terminal: 'xterm-256color', clock, refreshMs: 60_000 })
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise<void>((resolve) => { term.write('', resolve) })
  }
  return {
    session,
    source,
    clock,
    input,
    output,
    written,
    async lines () {
      await settle()
      const buffer = term.buffer.active
      return Array.from({ length: term.rows }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '')
    },
    async press (keys) {
      input.write(keys)
      await settle()
    },
    async resize (c, r) {
      term.resize(c, r)
      output.columns = c
      output.rows = r
      output.emit('resize')
      await settle()
    },
    stop () {
      session.close()
      term.dispose()
    }
  }
}

