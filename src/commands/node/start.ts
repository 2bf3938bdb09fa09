import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/base-command.js'
import { readSwarmKeyFile } from '../../cli/swarm-key-file.js'
import { parseLoopBlock, startLoopBlocker } from '../../node/loop-blocker.js'
import { CONFLICT_RESOLUTIONS, CONSISTENCY_LEVELS, EVICTION_POLICIES, LEVEL_OVERRIDES, MEMBERSHIP_PRESETS } from '../../config/defaults.js'
import { loadConfig, type CacheConfig, type CacheConfigInput } from '../../config/index.js'

export default class NodeStart extends BaseCommand {
  static override description = `Run a cluster member in the foreground until SIGINT or SIGTERM.
Prints "listening on <multiaddr>" once ready and writes its addresses to <data-dir>/node.addr, which the other commands read by default.
On SIGINT or SIGTERM it announces that it leaves (the others drop it from their rings at once), then stops.
Settings come from flags, then DCACHE_* environment variables, then --config FILE (YAML or JSON), then defaults.`

  static override examples = [
    '<%= config.bin %> node start',
    '<%= config.bin %> node start --listen /ip4/127.0.0.1/tcp/7701 --data-dir ~/.dcache/n2 --join /ip4/127.0.0.1/tcp/7700/p2p/12D3KooW...',
    '<%= config.bin %> node start --max-memory 512mb --eviction lfu --default-ttl 10m',
    '<%= config.bin %> node start --replication-factor 3 --consistency quorum --conflict-resolution siblings',
    '<%= config.bin %> node start --config dcache.yaml'
  ]

  static override flags = {
    listen: Flags.string({ description: 'multiaddr to listen on (repeatable); default /ip4/127.0.0.1/tcp/7700', multiple: true }),
    join: Flags.string({ description: 'multiaddr of a member to join through (repeatable)', multiple: true }),
    'data-dir': Flags.string({ description: 'directory for the identity key and node.addr; default ~/.dcache' }),
    config: Flags.string({ description: 'YAML or JSON config file' }),
    name: Flags.string({ description: 'a human name for this member' }),
    'max-memory': Flags.string({ description: 'memory budget of the engine, e.g. 512mb, 2gb' }),
    eviction: Flags.option({ options: EVICTION_POLICIES, description: 'eviction policy when memory is full' })(),
    'default-ttl': Flags.string({ description: 'TTL of keys put without one, e.g. 3600, 10m, 0 for none' }),
    'virtual-nodes': Flags.integer({ description: 'vnodes of this member on the ring', min: 1 }),
    'replication-factor': Flags.integer({ description: 'copies of every key (N); default 3 (every member while there are fewer)', min: 1 }),
    consistency: Flags.option({ options: CONSISTENCY_LEVELS, description: 'default level of reads and writes; default quorum' })(),
    'read-consistency': Flags.option({ options: LEVEL_OVERRIDES, description: 'level of reads that name none (default: --consistency)' })(),
    'write-consistency': Flags.option({ options: LEVEL_OVERRIDES, description: 'level of writes that name none (default: --consistency)' })(),
    'conflict-resolution': Flags.option({ options: CONFLICT_RESOLUTIONS, description: 'concurrent writes: lww (default) keeps the later one, siblings keeps all for the reader' })(),
    'hint-window': Flags.string({ description: 'how long hints for a member that is down are kept, e.g. 10m (default)' }),
    'request-timeout': Flags.string({ description: 'per-request deadline, e.g. 5000 or 5s (default 5 s)' }),
    cluster: Flags.string({ description: 'cluster name (members of different clusters ignore each other)' }),
    preset: Flags.option({ options: MEMBERSHIP_PRESETS, description: 'failure-detection timings' })(),
    mdns: Flags.boolean({ description: 'find members on the LAN with mDNS (off by default)', allowNo: true }),
    'swarm-key': Flags.string({ description: 'file with a swarm key: only nodes and clients with the same key can connect' }),
    lifeguard: Flags.boolean({ description: 'Lifeguard extensions to SWIM (on by default; --no-lifeguard for plain SWIM)', allowNo: true }),
    'debug-block-loop': Flags.custom({ parse: async (text: string) => parseLoopBlock(text) })({
      description: 'test hook: block the event loop BLOCK_MS every EVERY_MS, e.g. 500/5000', hidden: true
    })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(NodeStart)
    const config = loadConfig({ file: flags.config, env: process.env, flags: this.configFlags(flags) })
    const swarmKey = await readSwarmKeyFile(flags['swarm-key'])
    const { createNode } = await import('../../node/index.js')
    const { promise: stopped, resolve: markStopped } = Promise.withResolvers<void>()
    let stopping = false
    // A stop announces `left` first, so the others drop this node from their rings at once instead of waiting
    // for failure detection; a second Ctrl-C meets Node's default handler and ends the process at once.
    const shutdown = (why: string): void => {
      if (stopping) return
      stopping = true
      this.log(`stopping (${why}): leaving the cluster`)
      running.node.leave().catch(() => {}).finally(() => { running.stop().then(markStopped, markStopped) })
    }
    const running = await createNode(config, { swarmKey, onRemoved: () => { shutdown('removed from the cluster') } })
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
    if (flags['debug-block-loop'] !== undefined) {
      startLoopBlocker(flags['debug-block-loop'].blockMs, flags['debug-block-loop'].everyMs)
    }
    for (const address of running.addresses) this.log(`listening on ${address}`)
    this.log(`node ${config.name} (${running.node.id}) ready; data dir ${config.dataDir}`)
    await stopped
  }

  /** Flags by config field; loadConfig parses sizes and durations ('512mb', '10m') and validates every field. */
  private configFlags (flags: Record<string, unknown>): CacheConfigInput {
    return {
      listen: flags.listen as string[] | undefined,
      join: flags.join as string[] | undefined,
      dataDir: flags['data-dir'] as string | undefined,
      name: flags.name as string | undefined,
      maxMemory: flags['max-memory'] as string | undefined,
      evictionPolicy: flags.eviction as CacheConfig['evictionPolicy'] | undefined,
      defaultTtl: flags['default-ttl'] as string | undefined,
      virtualNodes: flags['virtual-nodes'] as number | undefined,
      replicationFactor: flags['replication-factor'] as number | undefined,
      consistency: flags.consistency as CacheConfig['consistency'] | undefined,
      readConsistency: flags['read-consistency'] as CacheConfig['readConsistency'] | undefined,
      writeConsistency: flags['write-consistency'] as CacheConfig['writeConsistency'] | undefined,
      conflictResolution: flags['conflict-resolution'] as CacheConfig['conflictResolution'] | undefined,
      hintWindow: flags['hint-window'] as string | undefined,
      requestTimeout: flags['request-timeout'] as string | undefined,
      clusterName: flags.cluster as string | undefined,
      membershipPreset: flags.preset as CacheConfig['membershipPreset'] | undefined,
      mdns: flags.mdns as boolean | undefined,
      lifeguard: flags.lifeguard as boolean | undefined
    }
  }

}
