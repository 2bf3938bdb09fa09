import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import type { NodeEvent } from '../node/event-log.js'

/** How often --follow asks for new events. */
const FOLLOW_POLL_MS = 500

export default class Events extends ClientCommand {
  static override description = 'Print the member events a node has seen (joins, suspicions, deaths, refutations, leaves); --follow keeps printing new ones'
  static override examples = ['<%= config.bin %> events', '<%= config.bin %> events --follow', '<%= config.bin %> events --follow --json']

  // Under --follow, --json prints one JSON object per event line, so it is this command's own flag.
  static override enableJsonFlag = false
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new events until interrupted' }),
    json: Flags.boolean({ description: 'one JSON object per event' })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(Events)
    const cache = await this.cache(flags)
    const print = (e: NodeEvent): void => {
      this.log(flags.json ? JSON.stringify(e) : `${new Date(e.time).toISOString()}  ${e.kind.padEnd(14)} ${e.message}`)
    }
    let since = 0
    const poll = async (): Promise<void> => {
      for (const e of await cache.getEvents(since)) {
        print(e)
        since = e.seq
      }
    }
    await poll()
    if (!flags.follow) return
    const { promise: interrupted, resolve } = Promise.withResolvers<void>()
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
    while (await Promise.race([interrupted.then(() => true), new Promise<false>((r) => setTimeout(() => { r(false) }, FOLLOW_POLL_MS))]) === false) {
      await poll()
    }
  }
}
