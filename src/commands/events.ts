import { Flags } from '@oclif/core'
import { ClientCommand } from '../cli/base-command.js'
import { EventFollower, type SourceSwitch } from '../client/event-follower.js'
import type { NodeEvent } from '../node/event-log.js'

/** How often --follow asks for new events. */
const FOLLOW_POLL_MS = 500

export default class Events extends ClientCommand {
  static override description = 'Print the member events a node has seen (joins, suspicions, deaths, refutations, leaves, forgets, reaps) and the ring ' +
    'changes they caused, oldest first. --follow keeps printing new ones; if the member it reads stops answering it goes on from another ' +
    'member, prints a "-- now following ... --" line, and shows only what that member logged after the last event printed. ' +
    'It exits 3 when no member answers (each is given --timeout).'

  static override examples = [
    '<%= config.bin %> events',
    '<%= config.bin %> events --follow',
    { description: 'One JSON object per line; a change of member is a line of kind "follow:switch"', command: '<%= config.bin %> events --follow --json' }
  ]

  // Under --follow, --json prints one JSON object per event line, so it is this command's own flag.
  static override enableJsonFlag = false
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new events until interrupted' }),
    json: Flags.boolean({ description: 'one JSON object per event' })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(Events)
    const follower = new EventFollower(await this.cache(flags))
    const print = (e: NodeEvent): void => {
      this.log(flags.json ? JSON.stringify(e) : `${new Date(e.time).toISOString()}  ${e.kind.padEnd(14)} ${e.message}`)
    }
    const announce = (s: SourceSwitch): void => {
      const message = `now following ${s.to.name} (${s.from.name} stopped answering)`
      this.log(flags.json ? JSON.stringify({ kind: 'follow:switch', time: Date.now(), from: s.from, to: s.to, message }) : `-- ${message} --`)
    }
    const poll = async (): Promise<void> => {
      const { events, switched } = await follower.poll()
      if (switched !== undefined) announce(switched)
      events.forEach(print)
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
