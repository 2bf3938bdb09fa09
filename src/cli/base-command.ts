import { Command, Errors, Flags } from '@oclif/core'
import { CacheError } from '../common/errors.js'
import { REQUEST_TIMEOUT_MS } from '../config/defaults.js'
import { loadConfig } from '../config/index.js'
import { resolveNodeAddresses } from '../client/node-address.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { readSwarmKeyFile } from './swarm-key-file.js'
import type { DistributedCache } from '../client/distributed-cache.js'

/**
 * Every dcache command: turns a CacheError into its exit code and a one-line message, and any other unexpected
 * error into exit code 4 (oclif's default of 1 would read as "key not found" to a script).
 */
export abstract class BaseCommand extends Command {
  protected override async catch (err: Error & { exitCode?: number, oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof CacheError) {
      return await super.catch(new Errors.CLIError(err.message, { exit: exitCodeFor(err), code: err.code }))
    }
    if (err.oclif?.exit === undefined) return await super.catch(new Errors.CLIError(err.message, { exit: EXIT.FAILED }))
    return await super.catch(err)
  }
}

/**
 * Every command that talks to a cluster: finds a node (--node, DCACHE_NODE, the default node.addr), connects a
 * client, closes it afterwards, and turns CacheError codes into exit codes with a one-line message.
 */
export abstract class ClientCommand extends BaseCommand {
  static override enableJsonFlag = true

  static override baseFlags = {
    node: Flags.string({
      description: 'multiaddr of a cluster member (repeatable); default: $DCACHE_NODE, then node.addr in the data dir ($DCACHE_DATA_DIR or ~/.dcache)',
      multiple: true,
      helpGroup: 'CLUSTER'
    }),
    timeout: Flags.integer({ description: 'per-request deadline in milliseconds', default: REQUEST_TIMEOUT_MS, min: 1, helpGroup: 'CLUSTER' }),
    'swarm-key': Flags.string({ description: 'swarm key file of a private cluster (see dcache keygen)', env: 'DCACHE_SWARM_KEY', helpGroup: 'CLUSTER' })
  }

  private client?: DistributedCache

  /** The connected client; opened on first use so `--help` and bad flags never touch the network. */
  protected async cache (flags: { node?: string[], timeout: number, 'swarm-key'?: string }): Promise<DistributedCache> {
    if (this.client !== undefined) return this.client
    const addresses = await resolveNodeAddresses({ flag: flags.node, env: process.env.DCACHE_NODE, dataDir: loadConfig({ env: process.env }).dataDir })
    const swarmKey = await readSwarmKeyFile(flags['swarm-key'])
    const { connectClient } = await import('../client/connect.js')
    this.client = await connectClient(addresses, { timeout: flags.timeout, swarmKey })
    return this.client
  }

  /** Reports a missing key on stderr (naming the key and the node asked) and sets exit code 1. */
  protected reportMissing (key: string, what = 'key not found'): void {
    process.exitCode = EXIT.NOT_FOUND
    if (!this.jsonEnabled()) this.logToStderr(`${what}: ${key} (asked ${this.client?.contactNode ?? 'the cluster'})`)
  }

  protected override async finally (err: Error | undefined): Promise<unknown> {
    await this.client?.close()
    return await super.finally(err)
  }
}
