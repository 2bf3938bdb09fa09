import { Flags } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { DCACHE_COMMAND, LocalCluster, PROJECT_DIR, shellQuote } from '../cli/local-cluster.js'

export default class Demo extends BaseCommand {
  static override description = `Start a local cluster on 127.0.0.1 (free ports, a temporary data dir) and open the dashboard on it.
A light background load keeps the charts moving. Ctrl-C (or q in the dashboard) stops every node and removes the data dir.
It writes <data dir>/dcache, a script that runs the CLI against the demo cluster from any directory (\`<data dir>/dcache get greeting\`); the dashboard opens with its help, which shows that command again (? brings it back).`

  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --nodes 5',
    '<%= config.bin %> demo --no-dashboard --no-load'
  ]

  static override flags = {
    nodes: Flags.integer({ char: 'n', description: 'how many nodes to start', default: 3, min: 1, max: 32 }),
    dashboard: Flags.boolean({ description: 'open the dashboard on the cluster', default: true, allowNo: true }),
    load: Flags.boolean({ description: 'run a light background load (about 200 ops/s, stops by itself after an hour)', default: true, allowNo: true })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(Demo)
    this.log(`starting ${flags.nodes} nodes on 127.0.0.1 ...`)
    const cluster = await LocalCluster.start({ nodes: flags.nodes })
    const { connectClient } = await import('../client/connect.js')
    const { startBackgroundLoad } = await import('../client/load-generator.js')
    let cache: Awaited<ReturnType<typeof connectClient>> | undefined
    let load: ReturnType<typeof startBackgroundLoad> | undefined
    try {
      for (const n of cluster.nodes) this.log(`  ${n.name}  pid ${n.pid}  ${n.address}`)
      const seedDir = shellQuote(cluster.nodes[0]?.dataDir as string)
      const script = shellQuote(await cluster.writeCliScript())
      const tryThese = [`${script} put greeting hello`, `${script} get greeting`, `${script} ring --key greeting`, `${script} node list`]
      this.log([
        '', `data dir: ${cluster.baseDir}`,
        'try, from another terminal (in any directory):', ...tryThese.map((l) => `  ${l}`),
        'or by hand (on the first node\'s data dir, as on its machine):', `  export DCACHE_DATA_DIR=${seedDir}`, `  ${DCACHE_COMMAND} get greeting`, `  cd ${shellQuote(PROJECT_DIR)} && npx dcache get greeting`, ''
      ].join('\n'))
      cache = await connectClient(cluster.nodes.map((n) => n.address))
      if (flags.load) load = startBackgroundLoad(cache)
      const terminal = process.stdout.isTTY === true && process.stdin.isTTY === true
      if (flags.dashboard && !terminal) this.warn('not a terminal: running without the dashboard')
      if (flags.dashboard && terminal) {
        const { runDashboard } = await import('../tui/index.js')
        await runDashboard({ source: cache, connectHint: [...tryThese, `(it sets DCACHE_DATA_DIR to the first node\'s and runs bin/run.js of ${PROJECT_DIR})`], showHelp: true })
      } else {
        this.log('cluster running; press Ctrl-C to stop it')
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
      }
    } finally {
      load?.stop()
      await cache?.close()
      this.log('stopping the cluster ...')
      await cluster.stop()
    }
  }
}
