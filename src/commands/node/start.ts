import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/base-command.js'
import { readSwarmKeyFile } from '../../cli/swarm-key-file.js'
import { parseLoopBlock, startLoopBlocker } from '../../node/loop-blocker.js'
import { CONFIG_FLAGS, configFromFlags } from '../../cli/config-flags.js'
import { createLog, formatLogLine, type LogFields } from '../../common/log.js'
import { loadConfig } from '../../config/index.js'

export default class NodeStart extends BaseCommand {
  static override description = `Run a cluster member in the foreground until SIGINT or SIGTERM.
Prints "listening on <multiaddr>" once ready and writes its addresses to <data-dir>/node.addr, which the other commands read by default.
On SIGINT or SIGTERM it announces that it leaves (the others drop it from their rings at once), then stops.
Settings come from flags, then DCACHE_* environment variables (DCACHE_MAX_MEMORY for --max-memory), then --config FILE (YAML or JSON, camelCase field names), then defaults.
After "ready" it logs member events, ring changes and refused connections, one line each (--log-level, --log-format json).`

  static override usage = 'node start [FLAGS]'

  static override examples = [
    '<%= config.bin %> node start',
    '<%= config.bin %> node start --listen /ip4/127.0.0.1/tcp/7701 --data-dir ~/.dcache/n2 --join /ip4/127.0.0.1/tcp/7700/p2p/12D3KooW...',
    '<%= config.bin %> node start --max-memory 512mb --eviction-policy lfu --default-ttl 10m',
    '<%= config.bin %> node start --replication-factor 3 --consistency quorum --conflict-resolution siblings',
    '<%= config.bin %> node start --max-memory 200kb --max-value-bytes 64kb --max-key-bytes 256',
    '<%= config.bin %> node start --log-level debug --log-format json',
    '<%= config.bin %> node start --config dcache.yaml'
  ]

  static override flags = {
    ...CONFIG_FLAGS,
    config: Flags.string({ description: 'YAML or JSON config file with any of the fields below (e.g. maxMemory: 512mb)', helpValue: '<file>' }),
    'swarm-key': Flags.string({ description: 'file with a swarm key: only nodes and clients with the same key can connect', helpValue: '<file>' }),
    'debug-block-loop': Flags.custom({ parse: async (text: string) => parseLoopBlock(text) })({
      description: 'test hook: block the event loop BLOCK_MS every EVERY_MS, e.g. 500/5000', hidden: true
    })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(NodeStart)
    const config = loadConfig({ file: flags.config, env: process.env, flags: configFromFlags(flags) })
    const swarmKey = await readSwarmKeyFile(flags['swarm-key'])
    const write = (line: string): void => { process.stdout.write(line + '\n') }
    const log = createLog({ level: config.logLevel, format: config.logFormat, write })
    // "listening on" and "ready" show at every level: scripts and `dcache demo` wait for them.
    const announce = (event: string, msg: string, fields: LogFields): void => {
      write(config.logFormat === 'json' ? formatLogLine('json', { time: Date.now(), level: 'info', event, msg, fields }) : msg)
    }
    const { createNode } = await import('../../node/index.js')
    const { promise: stopped, resolve: markStopped } = Promise.withResolvers<void>()
    let stopping = false
    // A stop announces `left` first, so the others drop this node from their rings at once instead of waiting
    // for failure detection; a second Ctrl-C meets Node's default handler and ends the process at once.
    const shutdown = (why: string): void => {
      if (stopping) return
      stopping = true
      log.write('info', 'node:stopping', `stopping (${why}): leaving the cluster`)
      running.node.leave().catch(() => {}).finally(() => { running.stop().then(markStopped, markStopped) })
    }
    const running = await createNode(config, { swarmKey, log, onRemoved: () => { shutdown('removed from the cluster') } })
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
    if (flags['debug-block-loop'] !== undefined) {
      startLoopBlocker(flags['debug-block-loop'].blockMs, flags['debug-block-loop'].everyMs)
    }
    for (const address of running.addresses) announce('node:listening', `listening on ${address}`, { address })
    announce('node:ready', `node ${config.name} (${running.node.id}) ready; data dir ${config.dataDir}`, { name: config.name, id: running.node.id, dataDir: config.dataDir })
    await stopped
  }
}
