import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'

export default class Dashboard extends ClientCommand {
  static override description = `Live terminal view of the whole cluster: members and their states, the ring, throughput and latency, totals, member events.
Keys: / inspect a key, s/r sort, tab switch panel, ? help, q / Esc / Ctrl-C quit.`

  static override examples = [
    '<%= config.bin %> dashboard',
    '<%= config.bin %> dashboard --node /ip4/127.0.0.1/tcp/7700/p2p/12D3KooW...',
    '<%= config.bin %> dashboard --refresh 500'
  ]

  // The screen is the whole output: no --json.
  static override enableJsonFlag = false
  static override flags = {
    refresh: Flags.integer({ description: 'milliseconds between refreshes', default: 1000, min: 100 })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(Dashboard)
    if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) this.error('the dashboard needs a terminal (stdin and stdout must be a TTY)', { exit: 2 })
    const source = await this.cache(flags)
    // blessed loads only here, so other commands (and --help) start without it.
    const { runDashboard } = await import('../tui/index.js')
    await runDashboard({ source, refreshMs: flags.refresh })
  }
}
