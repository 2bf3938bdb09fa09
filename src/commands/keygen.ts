import { Args } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { EXIT } from '../cli/exit-codes.js'

export default class Keygen extends BaseCommand {
  static override description = `Write a new swarm key for a private cluster (libp2p private network).
Give the same file to every node (dcache node start --swarm-key FILE) and every client (--swarm-key FILE, or DCACHE_SWARM_KEY): nodes and clients without it cannot connect at all.`

  static override examples = ['<%= config.bin %> keygen swarm.key', '<%= config.bin %> node start --swarm-key swarm.key']
  static override enableJsonFlag = true
  static override args = { file: Args.string({ description: 'where to write the key (must not exist yet)', default: 'swarm.key' }) }

  async run (): Promise<{ file: string }> {
    const { args } = await this.parse(Keygen)
    const { writeSwarmKey } = await import('../net/libp2p/index.js')
    try {
      await writeSwarmKey(args.file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') this.error(`${args.file} already exists; not overwriting a swarm key`, { exit: EXIT.USAGE })
      throw err
    }
    this.log(`wrote a swarm key to ${args.file} (mode 0600); share it with every node and client of the cluster`)
    return { file: args.file }
  }
}
