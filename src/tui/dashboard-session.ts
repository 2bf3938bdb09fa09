import blessed from 'blessed'
import { systemClock, type Clock, type TimerId } from '../common/clock.js'
import { DashboardView } from './dashboard.js'
import { DashboardModel, type DashboardSource } from './view-model.js'

/** How often the dashboard polls the cluster. */
export const REFRESH_MS = 1000

export interface DashboardOptions {
  source: DashboardSource
  /** @default process.stdin */
  input?: NodeJS.ReadableStream
  /** @default process.stdout */
  output?: NodeJS.WritableStream
  /** Milliseconds between polls. @default REFRESH_MS */
  refreshMs?: number
  /** terminfo name; blessed reads $TERM when omitted. */
  terminal?: string
  /** Schedules the polls; tests pass a ManualClock and call poll() themselves. @default systemClock */
  clock?: Clock
  /** Commands that reach the cluster from another terminal, for the help popup. */
  connectHint?: string[]
  /** Open with the help popup shown (the demo does, so its connect hint is the first thing seen). */
  showHelp?: boolean
}

/** A running dashboard: the screen, one-shot poll(), and a promise that settles when the user quits. */
export interface DashboardSession {
  readonly screen: blessed.Widgets.Screen
  readonly model: DashboardModel
  readonly view: DashboardView
  /** Resolves once the user quit (q, Escape, Ctrl-C) or close() was called, with the screen destroyed. */
  readonly closed: Promise<void>
  /** Polls the cluster once and redraws; a poll already in flight is not doubled. */
  poll(): Promise<void>
  /** Stops polling and restores the terminal; safe to call twice. */
  close(): void
}

/** Opens the screen and starts polling every refreshMs (the first poll right away). */
export function startDashboard (options: DashboardOptions): DashboardSession {
  const { source } = options
  const clock = options.clock ?? systemClock
  const refreshMs = options.refreshMs ?? REFRESH_MS
  // @types/blessed has input and output the wrong way round, hence the casts.
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    title: 'dcache dashboard',
    input: (options.input ?? process.stdin) as never,
    output: (options.output ?? process.stdout) as never,
    terminal: options.terminal,
    ignoreLocked: ['C-c'],
    warnings: false
  })
  const model = new DashboardModel()
  const { promise: closed, resolve, reject } = Promise.withResolvers<void>()
  let timer: TimerId | undefined
  let inFlight: Promise<void> | undefined
  let stopped = false
  // shown after the first poll, which tells the contact's address
  let helpPending = options.showHelp === true

  /** Restores the terminal; with an error, `closed` rejects with it so the command can report it. */
  const close = (err?: unknown): void => {
    if (stopped) return
    stopped = true
    if (timer !== undefined) clock.clearTimeout(timer)
    screen.destroy()
    if (err === undefined) resolve()
    else reject(err)
  }
  const view = new DashboardView({
    screen, model, lookup: async (key) => await source.get(key), now: () => clock.now(), onQuit: () => { close() }, connectHint: options.connectHint
  })

  const pollOnce = async (): Promise<void> => {
    const contactBefore = source.contactNode
    const [info, stats, events] = await Promise.allSettled([
      source.getClusterInfo(), source.getStatistics(), source.getEvents(model.eventsSince(contactBefore))
    ])
    if (stopped) return
    const failure = [info, stats, events].find((r) => r.status === 'rejected')
    model.apply({
      at: clock.now(),
      contactBefore,
      contactAfter: source.contactNode,
      info: info.status === 'fulfilled' ? info.value : undefined,
      stats: stats.status === 'fulfilled' ? stats.value : undefined,
      events: events.status === 'fulfilled' ? events.value : undefined,
      error: failure === undefined ? undefined : String((failure.reason as Error)?.message ?? failure.reason)
    })
    view.render()
    if (helpPending) {
      helpPending = false
      view.showHelp()
    }
  }
  const poll = async (): Promise<void> => {
    inFlight ??= pollOnce().finally(() => { inFlight = undefined })
    await inFlight
  }
  // Cluster failures are banners (pollOnce settles them); anything else is a bug: restore the terminal and report it.
  const loop = (): void => {
    poll().then(() => {
      if (!stopped) timer = clock.setTimeout(loop, refreshMs)
    }, close)
  }

  view.render()
  loop()
  return { screen, model, view, closed, poll, close }
}

/** Shows the dashboard until the user quits; the screen is destroyed and every timer cleared when it resolves. */
export async function runDashboard (options: DashboardOptions): Promise<void> {
  await startDashboard(options).closed
}
