import { join } from 'node:path'
import { Command, Errors, Flags, toConfiguredId, type Interfaces } from '@oclif/core'
import { CacheError } from '../common/errors.js'
import { CONSISTENCY_LEVELS, REQUEST_TIMEOUT_MS, type ConsistencyLevel } from '../config/defaults.js'
import { loadConfig } from '../config/index.js'
import { MEMBERS_FILE, rememberMembers, splitList } from '../client/members-file.js'
import { EXIT } from './exit-codes.js'
import { describeFailure, printFailure } from './failure.js'
import { readSwarmKeyFile } from './swarm-key-file.js'
import { loadSession, saveSession } from './session-file.js'
import type { DistributedCache } from '../client/distributed-cache.js'
import type { SessionToken } from '../client/session.js'
import { shortId } from '../common/short-id.js'
import { describeKey } from '../store/input-rules.js'

/**
 * Every dcache command: every failure, flag parsing included, ends as one line on stderr, or with --json as exactly
 * `{"error":{"code":…,"message":…}}` on stdout, and the exit code of its class (src/cli/failure.ts).
 */
export abstract class BaseCommand extends Command {
  /**
   * Replaces oclif's handler, which prints its whole parse state as --json output, wraps messages in ` ›   Error:`
   * lines with a `Code:` line, and the full help after a usage error.
   */
  protected override async catch (err: Error): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    const failure = describeFailure(err, `see ${this.config.bin} ${toConfiguredId(this.id ?? '', this.config)} --help`)
    const context = this.errorContext(err, failure.message)
    if (context.length > 0) failure.message += ` (${context.join(', ')})`
    printFailure(failure, this.jsonRequested())
    // an ExitError: oclif ends the process with this code and prints nothing more
    return this.exit(failure.exit)
  }

  /**
   * Whether the user asked for JSON: oclif's --json, or a command's own `--json` flag (`events` prints a JSON line
   * per event); a failure is JSON then too, even one in the flags that oclif did not get to parse.
   */
  protected jsonRequested (): boolean {
    if (this.jsonEnabled()) return true
    const beforeEnd = this.argv.indexOf('--')
    return (beforeEnd < 0 ? this.argv : this.argv.slice(0, beforeEnd)).includes('--json')
  }

  /** What the message of `err` should also name, when it does not already (a client names the key and the node). */
  protected errorContext (_err: Error, _message: string): string[] {
    return []
  }
}

/** What oclif's parser returns for flags and arguments. */
type Output = Record<string, unknown>

/**
 * Every command that talks to a cluster: finds a node (--node, DCACHE_NODE, else the data dir's member through its local
 * socket, or its node.addr, and the members remembered next to it), connects a client, remembers the members it learned, closes it afterwards, and names the key
 * and the node in the cluster's errors.
 */
export abstract class ClientCommand extends BaseCommand {
  static override enableJsonFlag = true

  static override baseFlags = {
    node: Flags.string({
      description: 'a cluster member, HOST:PORT or a multiaddr (repeatable or comma-separated, each a fallback for the one before); ' +
        'default: $DCACHE_NODE, then the member of the data dir ($DCACHE_DATA_DIR or ~/.dcache): its local socket node.sock, ' +
        'else its node.addr, and the members remembered there',
      helpValue: '<addr>',
      multiple: true,
      // one value per --node, so that `dcache get --node ADDR key` leaves KEY to the argument
      multipleNonGreedy: true,
      delimiter: ',',
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

  /**
   * Whether the command talks to the member of its data dir through that member's local socket when no node is named
   * (no libp2p to load, no handshake); requests to other members still go over the network.
   */
  static localSocket = true

  private client?: DistributedCache
  private view?: DistributedCache
  private session?: { file: string, token: SessionToken }
  /** Where the members this client learns are remembered, when it found the cluster through the data dir. */
  private membersFile?: string
  /** The addresses the client was connected through (none through a local socket), for more connections like it. */
  protected connectedAddresses?: string[]
  /** The KEY argument once parsed, so that an error can name it. */
  private subjectKey?: string

  protected override async parse<F extends Output, B extends Output, A extends Output> (
    options?: Interfaces.Input<F, B, A>, argv?: string[]
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv)
    const key: unknown = parsed.args.key
    if (typeof key === 'string' && key !== '') this.subjectKey = key
    return parsed
  }

  /**
   * The connected client at the command's level and session; opened on first use so `--help` and bad flags never
   * touch the network.
   */
  protected async cache (flags: { node?: string[], timeout: number, 'swarm-key'?: string, consistency?: ConsistencyLevel, session?: string }): Promise<DistributedCache> {
    if (this.view !== undefined) return this.view
    const named = flags.node !== undefined && flags.node.length > 0 ? flags.node : undefined
    const dataDir = loadConfig({ env: process.env }).dataDir
    const swarmKey = await readSwarmKeyFile(flags['swarm-key'])
    const session = flags.session === undefined ? undefined : { file: flags.session, token: await loadSession(flags.session) }
    const options = { timeout: flags.timeout, swarmKey, consistency: flags.consistency }
    const command = this.constructor as typeof ClientCommand
    if (named === undefined && splitList(process.env.DCACHE_NODE).length === 0 && command.localSocket) {
      const { connectLocalMember } = await import('../client/local-member.js')
      this.client = await connectLocalMember(dataDir, options)
      this.membersFile = join(dataDir, MEMBERS_FILE)
    }
    if (this.client === undefined) {
      const { resolveNodeAddresses } = await import('../client/node-address.js')
      const { addresses, membersFile } = await resolveNodeAddresses({ flag: named, env: process.env.DCACHE_NODE, dataDir })
      const { connectClient } = await import('../client/connect.js')
      this.client = await connectClient(addresses, options)
      this.connectedAddresses = addresses
      this.membersFile = membersFile
    }
    this.session = session
    this.view = session === undefined ? this.client : this.client.session(session.token)
    return this.view
  }

  /** Reports a missing key on stderr (naming the key and the node asked) and sets exit code 1. */
  protected reportMissing (key: string, what = 'key not found'): void {
    process.exitCode = EXIT.NOT_FOUND
    if (!this.jsonEnabled()) this.logToStderr(`${what}: ${key} (asked ${this.client === undefined ? 'the cluster' : nodeLabel(this.client, key)})`)
  }

  /**
   * An error of the cluster, once connected, names the key and the node asked; the client's own input checks (which
   * name the bad key or value themselves, and ran before anything was sent) need neither.
   */
  protected override errorContext (err: Error, message: string): string[] {
    if (!(err instanceof CacheError) || this.client === undefined || CLIENT_INPUT_CODES.has(err.code)) return []
    const key = this.subjectKey
    const node = nodeLabel(this.client, key)
    return [
      ...(key === undefined || mentions(message, key) ? [] : [`key ${describeKey(key)}`]),
      ...(message.includes(shortId(node)) ? [] : [`node ${node}`])
    ]
  }

  protected override async finally (err: Error | undefined): Promise<unknown> {
    if (this.session !== undefined) await saveSession(this.session.file, this.session.token)
    // at the end: the client learns the members with the ring, which rides along with its first request
    if (this.membersFile !== undefined && this.client !== undefined) await rememberMembers(this.membersFile, this.client.members)
    // not awaited: the process exits once the command returns (bin/run.js), and a graceful libp2p stop cost every
    // command ~20 ms; the node sees the connection end either way
    this.client?.close().catch(() => {})
    return await super.finally(err)
  }
}

/** Codes of the checks the client runs on every key and value before it sends a request. */
const CLIENT_INPUT_CODES = new Set(['INVALID_KEY', 'VALUE_TOO_LARGE'])

/**
 * The member asked about `key` (the contact node for cluster-wide requests) as the tables show it: name and id
 * suffix, or the suffix alone before the client learned the members.
 */
function nodeLabel (client: DistributedCache, key: string | undefined): string {
  const id = key === undefined ? client.contactNode : client.nodeFor(key)
  const name = client.members.find((m) => m.id === id)?.name
  return name === undefined ? shortId(id) : `${name} ${shortId(id)}`
}

/** Whether `message` names `word` as a word of its own ("value of a is …"), not inside another ("cannot reach"). */
function mentions (message: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[\\s"'(])${escaped}($|[\\s"'):,;])`).test(message)
}
