import { Command, Errors, Flags } from '@oclif/core'
import { CacheError } from '../common/errors.js'
import { CONSISTENCY_LEVELS, REQUEST_TIMEOUT_MS, type ConsistencyLevel } from '../config/defaults.js'
import { loadConfig } from '../config/index.js'
import { resolveNodeAddresses } from '../client/node-address.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { readSwarmKeyFile } from './swarm-key-file.js'
import { loadSession, saveSession } from './session-file.js'
import type { DistributedCache } from '../client/distributed-cache.js'
import type { SessionToken } from '../client/session.js'

/**
 * Every dcache command: turns a CacheError into its exit code and a one-line message, and any other unexpected
 * error into exit code 4 (oclif's default of 1 would read as "key not found" to a script).
 */
export abstract class BaseCommand extends Command {
  protected override async catch (err: Error & { exitCode?: number, oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof CacheError) {
      // the code goes into --json output; a person gets the one line of the message
      return await super.catch(new Errors.CLIError(err.message, { exit: exitCodeFor(err), code: this.jsonEnabled() ? err.code : undefined }))
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
    'swarm-key': Flags.string({ description: 'swarm key file of a private cluster (see dcache keygen)', env: 'DCACHE_SWARM_KEY', helpGroup: 'CLUSTER' }),
    consistency: Flags.option({
      options: CONSISTENCY_LEVELS,
      description: 'replicas to wait for: one, quorum (a majority of N) or all; default: the cluster\'s level',
      helpGroup: 'CLUSTER'
    })(),
    session: Flags.string({
      description: 'file that keeps a session token between commands: later commands read their own writes, at any level',
      helpGroup: 'CLUSTER'
    })
  }

  private client?: DistributedCache
  private view?: DistributedCache
  private session?: { file: string, token: SessionToken }

  /**
   * The connected client at the command's level and session; opened on first use so `--help` and bad flags never
   * touch the network.
   */
  protected async cache (flags: { node?: string[], timeout: number, 'swarm-key'?: string, consistency?: ConsistencyLevel, session?: string }): Promise<DistributedCache> {
    if (this.view !== undefined) return this.view
    const addresses = await resolveNodeAddresses({ flag: flags.node, env: process.env.DCACHE_NODE, dataDir: loadConfig({ env: process.env }).dataDir })
    const swarmKey = await readSwarmKeyFile(flags['swarm-key'])
    const session = flags.session === undefined ? undefined : { file: flags.session, token: await loadSession(flags.session) }
    const { connectClient } = await import('../client/connect.js')
    this.client = await connectClient(addresses, { timeout: flags.timeout, swarmKey, consistency: flags.consistency })
    this.session = session
    this.view = session === undefined ? this.client : this.client.session(session.token)
    return this.view
  }

  /** Reports a missing key on stderr (naming the key and the node asked) and sets exit code 1. */
  protected reportMissing (key: string, what = 'key not found'): void {
    process.exitCode = EXIT.NOT_FOUND
    if (!this.jsonEnabled()) this.logToStderr(`${what}: ${key} (asked ${this.client?.contactNode ?? 'the cluster'})`)
  }

  protected override async finally (err: Error | undefined): Promise<unknown> {
    if (this.session !== undefined) await saveSession(this.session.file, this.session.token)
    await this.client?.close()
    return await super.finally(err)
  }
}
