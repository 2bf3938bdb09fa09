import blessed from 'blessed'
import contrib from 'blessed-contrib'
import { chartLabel, firstFitting, formatBytes, formatCount, formatMemberChange, formatMs, formatPercent, formatTime, hostPort, packFigures, previewValue, truncate, truncateMiddle } from './format.js'
import { computeLayout, type Layout, type Rect } from './layout.js'
import { STATE_COLORS, type DashboardModel, type KeyInspection, type KeyMember, type LogLine, type MemberRow, type SeriesPoint } from './view-model.js'
import { shortId } from '../common/short-id.js'

export interface DashboardViewInit {
  screen: blessed.Widgets.Screen
  model: DashboardModel
  /** Fetches a key's value for the inspector. */
  lookup: (key: string) => Promise<unknown>
  /** Clock time, for the banner's expiry. */
  now: () => number
  onQuit: () => void
  /** Commands that reach this cluster from another terminal, shown in the help. */
  connectHint?: string[]
}

const KEYS_HELP = `{bold}/{/bold}          inspect a key: hash position, replicas, value
{bold}s{/bold}  {bold}r{/bold}       sort members by the next column, reverse the sort
{bold}↑ ↓{/bold}  {bold}tab{/bold}   move in the focused panel, switch members/events
{bold}?{/bold}          this help
{bold}q esc C-c{/bold}  quit (esc closes a popup first)
* after a name marks the member the dashboard reads from. Rates come
from successive snapshots; latency is the slowest node's.`

const LEVEL_COLORS: Record<LogLine['level'], string> = { info: 'white', warn: 'yellow', error: 'red' }
const ANSI: Record<string, string> = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', gray: '\x1b[90m' }
const ANSI_RESET = '\x1b[39m'

/** The members table's columns: header and the narrowest width at 80 columns. */
const COLUMNS: Array<[string, number]> = [['name', 10], ['id', 8], ['state', 7], ['inc', 4], ['rtt', 7], ['keys', 7], ['memory', 11], ['ops/s', 7], ['hit', 6]]
/**
 * Where both charts draw their y axis, in canvas dots (2 per column): room for the widest y label blessed-contrib
 * writes (4 characters: '2.4k', '0.35', '999'), so the plots and their time labels line up across the two charts.
 */
const CHART_Y_AXIS_DOTS = 8
/** The name column takes the first extra room, up to this much more. */
const NAME_EXTRA_MAX = 14
/** Then every column grows by up to this much; wider tables keep the rest as a right margin. */
const COLUMN_EXTRA_MAX = 6

type Chart = contrib.Widgets.LineElement
interface Widgets {
  header: blessed.Widgets.BoxElement
  members: contrib.Widgets.TableElement
  throughput: Chart
  latency: Chart
  ring: blessed.Widgets.BoxElement
  totals: blessed.Widgets.BoxElement
  events: blessed.Widgets.BoxElement
}

/**
 * The blessed side of the dashboard: builds the panels for the screen size (and again on resize), draws the model
 * into them, and handles the keys. Everything it shows comes from the DashboardModel.
 */
export class DashboardView {
  private readonly screen: blessed.Widgets.Screen
  private readonly model: DashboardModel
  private widgets: Widgets
  private layout: Layout
  private selectedId?: string
  private popup?: blessed.Widgets.BoxElement
  private prompting = false

  constructor (private readonly init: DashboardViewInit) {
    this.screen = init.screen
    this.model = init.model
    this.layout = computeLayout(this.screen.width as number, this.screen.height as number)
    this.widgets = this.build()
    this.bindKeys()
    this.screen.on('resize', () => { this.rebuild() })
  }

  /** Draws the model into every panel and renders the screen. */
  render (): void {
    this.drawHeader()
    this.drawMembers()
    this.drawCharts()
    this.drawRing()
    this.drawTotals()
    this.drawEvents()
    this.screen.render()
  }

  /** Opens the help popup (keys, and how to reach the cluster from another terminal). */
  showHelp (): void {
    const address = this.model.contactAddress
    const contact = this.model.rows.find((r) => r.isContact)?.name
    const connect = [
      ...(address === undefined ? [] : ['', `{bold}Reading from{/bold} ${escape(contact ?? '')} ${escape(address)}`]),
      ...(this.init.connectHint === undefined ? [] : ['{bold}From another terminal, in any directory:{/bold}', ...this.init.connectHint.map((l) => `  ${escape(l)}`)])
    ]
    this.showPopup('Help', [KEYS_HELP, ...connect].join('\n'), Math.min(100, (this.screen.width as number) - 2))
  }

  /** The rectangle each panel occupies now (for the layout test). */
  get panels (): Layout {
    return this.layout
  }

  private build (): Widgets {
    const at = (rect: Rect): Rect => ({ ...rect })
    const box = (rect: Rect, label: string, extra: blessed.Widgets.BoxOptions = {}): blessed.Widgets.BoxElement =>
      blessed.box({ ...at(rect), label: ` ${label} `, tags: true, border: { type: 'line' }, style: { border: { fg: 'cyan' } }, ...extra })
    const chart = (rect: Rect): Chart => contrib.line({
      ...at(rect),
      tags: true,
      border: { type: 'line' },
      style: { border: { fg: 'cyan' }, text: 'white', baseline: 'white' },
      xLabelPadding: CHART_Y_AXIS_DOTS,
      xPadding: CHART_Y_AXIS_DOTS,
      numYLabels: Math.max(2, Math.floor(rect.height / 3)),
      wholeNumbersOnly: false,
      abbreviate: true
    } as contrib.Widgets.LineOptions)
    const widgets: Widgets = {
      header: blessed.box({ ...at(this.layout.header), tags: true, style: { fg: 'white', bg: 'blue' } }),
      members: contrib.table({
        ...at(this.layout.members),
        label: ' Members ',
        keys: true,
        interactive: true,
        fg: 'white',
        selectedFg: 'black',
        selectedBg: 'cyan',
        border: { type: 'line' },
        style: { border: { fg: 'cyan' } },
        columnSpacing: 2,
        columnWidth: columnWidths(this.layout.members.width)
      } as unknown as contrib.Widgets.TableOptions), // its typings declare width and interactive as strings
      throughput: chart(this.layout.throughput),
      latency: chart(this.layout.latency),
      ring: box(this.layout.ring, 'Ring'),
      totals: box(this.layout.totals, 'Totals'),
      events: box(this.layout.events, 'Events', { scrollable: true, alwaysScroll: true, keys: true, wrap: false })
    }
    // Charts need a screen before data; the others are appended in the same order for a stable z-order.
    for (const w of Object.values(widgets)) this.screen.append(w)
    widgets.members.focus()
    return widgets
  }

  private rebuild (): void {
    const eventsFocused = this.screen.focused === this.widgets.events
    for (const w of Object.values(this.widgets)) w.destroy()
    this.layout = computeLayout(this.screen.width as number, this.screen.height as number)
    this.widgets = this.build()
    if (eventsFocused) this.widgets.events.focus()
    if (this.popup !== undefined) this.popup.setFront()
    this.render()
  }

  private bindKeys (): void {
    // C-c quits even while the key prompt holds the keyboard (the screen lists it in ignoreLocked).
    this.screen.key(['C-c'], () => { this.init.onQuit() })
    this.screen.key(['q', 'escape'], () => {
      if (this.prompting) return
      if (this.popup !== undefined) this.closePopup()
      else this.init.onQuit()
    })
    this.screen.key(['?'], () => { this.showHelp() })
    this.screen.key(['/'], () => { this.promptKey() })
    this.screen.key(['s'], () => { this.model.cycleSort(); this.render() })
    this.screen.key(['r'], () => { this.model.sortBy(this.model.sortColumn); this.render() })
    this.screen.key(['tab'], () => {
      if (this.popup !== undefined || this.prompting) return
      if (this.screen.focused === this.widgets.events) this.widgets.members.focus()
      else this.widgets.events.focus()
      this.screen.render()
    })
  }

  private drawHeader (): void {
    const banner = this.model.banner(this.init.now())
    const { header } = this.widgets
    if (banner !== undefined) {
      header.style.bg = banner.level === 'error' ? 'red' : 'yellow'
      header.style.fg = banner.level === 'error' ? 'white' : 'black'
      header.setContent(` {bold}${banner.level === 'error' ? '✖' : '!'} ${escape(banner.text)}{/bold}`)
      return
    }
    header.style.bg = 'blue'
    header.style.fg = 'white'
    const { states } = this.model.totals
    const contact = this.model.rows.find((r) => r.isContact)?.name ?? (shortId(this.model.contact) || '-')
    const counts = (['alive', 'suspect', 'dead', 'left'] as const).filter((s) => states[s] > 0).map((s) => `${states[s]} ${s}`).join(', ')
    const time = this.model.lastPollAt === 0 ? 'connecting…' : formatTime(this.model.lastPollAt)
    const address = this.model.contactAddress === undefined ? undefined : hostPort(this.model.contactAddress)
    const status = `${counts || 'no members yet'}  via ${contact}`
    const withAddress = `${status}${address === undefined ? '' : ` ${address}`}  ${time}`
    // on a narrow screen the / key reminder gives way first, then the contact's address
    const candidates: Array<[string, string]> = [[withAddress, '/ key  ? help  q quit'], [withAddress, '? help  q quit'], [`${status}  ${time}`, '? help  q quit']]
    const width = header.width as number
    const [left, right] = candidates.find(([l, r]) => ' dcache  '.length + l.length + r.length + 3 <= width) ?? candidates[2] as [string, string]
    header.setContent(` {bold}dcache{/bold}  ${escape(left)}{|}${right} `)
  }

  private drawMembers (): void {
    const { members } = this.widgets
    const rows = this.model.rows
    const list = (members as unknown as { rows: blessed.Widgets.ListElement & { selected: number } }).rows
    const previous = this.selectedId ?? rows[0]?.id
    this.selectedId = rows[list.selected]?.id ?? previous
    const arrow = this.model.sortDescending ? '↓' : '↑'
    members.setLabel(` Members ${rows.length}  sort: ${this.model.sortColumn} ${arrow} `)
    const nameWidth = columnWidths(this.layout.members.width)[0] as number
    members.setData({ headers: COLUMNS.map(([name]) => name), data: rows.map((row) => memberCells(row, nameWidth)) })
    // The rows list sits one column right of the header line; shift the header to line up.
    members.setContent(` ${members.getContent()}`)
    const index = rows.findIndex((r) => r.id === previous)
    if (index >= 0) list.select(index)
  }

  private drawCharts (): void {
    const history = this.model.history
    const last = history[history.length - 1]
    const labels = history.map((p) => formatTime(p.time).slice(3))
    const series = (title: string, color: string, pick: (p: SeriesPoint) => number): contrib.Widgets.LineData =>
      ({ title, x: labels.length > 0 ? labels : [' '], y: history.length > 0 ? history.map(pick) : [0], style: { line: color } })
    const { throughput, latency } = this.widgets
    // The titles carry the unit of the y axis; the legend gives each line's colour and latest value.
    throughput.setLabel(chartLabel('Ops/s', [
      { name: 'get', value: formatCount(last?.getsPerSec ?? 0), color: 'green' },
      { name: 'set', value: formatCount(last?.setsPerSec ?? 0), color: 'cyan' },
      { name: 'err', value: formatCount(last?.errorsPerSec ?? 0), color: 'red' }
    ], (throughput.width as number) - 3))
    setChart(throughput, [
      series('get', 'green', (p) => p.getsPerSec),
      series('set', 'cyan', (p) => p.setsPerSec),
      series('err', 'red', (p) => p.errorsPerSec)
    ])
    latency.setLabel(chartLabel('Latency ms', [
      { name: 'p50', value: formatMs(last?.p50Ms), color: 'yellow' },
      { name: 'p99', value: formatMs(last?.p99Ms), color: 'magenta' }
    ], (latency.width as number) - 3))
    setChart(latency, [
      series('p50', 'yellow', (p) => p.p50Ms),
      series('p99', 'magenta', (p) => p.p99Ms)
    ])
  }

  private drawRing (): void {
    const ring = this.model.ring
    const box = this.widgets.ring
    if (ring === undefined || ring.nodes.length === 0) {
      box.setContent('no ring yet')
      return
    }
    const inner = Math.max(1, (box.width as number) - 2)
    const strip = ring.strip(inner).map((i) => {
      const node = ring.nodes[i]
      return node === undefined ? ' ' : `{${node.color}-fg}${node.glyph}{/}`
    }).join('')
    // a line is glyph, name, a bar of at least 3 and the share (10 characters besides name and bar)
    const nameWidth = Math.max(1, Math.min(12, inner - 13, Math.max(...ring.nodes.map((n) => n.name.length))))
    const barWidth = Math.max(3, inner - nameWidth - 10)
    const lines = ring.nodes.map((n) => {
      const filled = Math.round(n.share * barWidth)
      return `{${n.color}-fg}${n.glyph}{/} ${escape(n.name.slice(0, nameWidth).padEnd(nameWidth))} {${n.color}-fg}${'█'.repeat(filled)}{/}${'░'.repeat(barWidth - filled)}${formatPercent(n.share).padStart(7)}`
    })
    const ratio = ring.balance.ratio.toFixed(2)
    box.setLabel(firstFitting([` Ring  balance ${ratio} `, ` Ring balance ${ratio} `, ` Ring ${ratio} `], (box.width as number) - 3))
    box.setContent([strip, ...lines].join('\n'))
  }

  private drawTotals (): void {
    const t = this.model.totals
    const box = this.widgets.totals
    const figures: Array<[string, string]> = [
      ['keys', formatCount(t.keys)], ['hit', formatPercent(t.hitRatio)], ['memory', `${formatBytes(t.memoryUsed)}/${formatBytes(t.memoryLimit)}`],
      ['ops/s', formatCount(t.opsPerSec)], ['hints', formatCount(t.hintsPending)], ['evict/s', formatCount(t.evictionsPerSec)],
      ['expire/s', formatCount(t.expirationsPerSec)], ['repair/s', formatCount(t.repairsPerSec)]
    ]
    box.setContent(packFigures(figures, (box.width as number) - 2, (box.height as number) - 2).join('\n'))
  }

  /** One line per event, abbreviated to the panel's width so a member's state change stays whole. */
  private drawEvents (): void {
    const box = this.widgets.events
    const room = (box.width as number) - 2 - 'HH:MM:SS '.length
    const lines = this.model.log.map((l) => {
      const text = l.change === undefined ? truncate(l.text, room) : formatMemberChange(l.change, room)
      return `{${LEVEL_COLORS[l.level]}-fg}${formatTime(l.time)} ${escape(text)}{/}`
    })
    box.setContent(lines.length > 0 ? lines.join('\n') : 'no events yet')
  }

  private promptKey (): void {
    if (this.popup !== undefined) this.closePopup()
    const width = Math.min(60, (this.screen.width as number) - 4)
    const input = blessed.textbox({
      top: 'center', left: 'center', width, height: 3, label: ' Key (enter: inspect, esc: cancel) ',
      border: { type: 'line' }, style: { border: { fg: 'yellow' }, bg: 'black' }
    })
    this.screen.append(input)
    this.prompting = true
    input.focus()
    input.readInput((_err, value) => {
      this.prompting = false
      input.destroy()
      this.widgets.members.focus()
      if (typeof value === 'string' && value.length > 0) void this.inspect(value)
      else this.screen.render()
    })
    this.screen.render()
  }

  private async inspect (key: string): Promise<void> {
    const inspection = this.model.inspectKey(key)
    const head = inspection === undefined
      ? [`key      ${escape(key)}`, 'no ring yet']
      : [
          `key      ${escape(key)}`,
          `position ${inspection.position} (${(100 * inspection.fraction).toFixed(2)}% round the ring)`,
          ...replicaLines(inspection)
        ]
    const width = Math.min(76, (this.screen.width as number) - 4)
    const popup = this.showPopup('Key', [...head, 'value    …'].join('\n'), width)
    let value: string
    try {
      value = escape(previewValue(await this.init.lookup(key), width * 3))
    } catch (err) {
      value = `{red-fg}${escape((err as Error).message)}{/}`
    }
    if (this.popup !== popup) return
    popup.setContent([...head, `value    ${value}`].join('\n'))
    this.screen.render()
  }

  private showPopup (title: string, content: string, width = Math.min(72, (this.screen.width as number) - 4)): blessed.Widgets.BoxElement {
    if (this.popup !== undefined) this.closePopup()
    // border, padding and one spare line around the content's lines as the box wraps them
    const inner = Math.max(1, width - 4)
    const lines = content.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.replace(/\{[^}]*\}/g, '').length / inner)), 0)
    const height = Math.min((this.screen.height as number) - 2, lines + 3)
    this.popup = blessed.box({
      top: 'center', left: 'center', width, height, label: ` ${title} (esc to close) `, content, tags: true,
      border: { type: 'line' }, style: { border: { fg: 'yellow' }, bg: 'black' }, padding: { left: 1, right: 1 }
    })
    this.screen.append(this.popup)
    this.screen.render()
    return this.popup
  }

  private closePopup (): void {
    this.popup?.destroy()
    this.popup = undefined
    this.screen.render()
  }
}

/** Column widths for a table `width` columns wide: the name column grows first, then all share the rest. */
export function columnWidths (width: number): number[] {
  const spacing = 1
  const base = COLUMNS.reduce((a, [, w]) => a + w + spacing, 0)
  let extra = Math.max(0, width - 3 - base)
  const widths = COLUMNS.map(([, w]) => w)
  const nameExtra = Math.min(extra, NAME_EXTRA_MAX)
  widths[0] = (widths[0] as number) + nameExtra
  extra -= nameExtra
  const each = Math.min(COLUMN_EXTRA_MAX, Math.floor(extra / COLUMNS.length))
  return widths.map((w) => w + each)
}

/** A row's cells; the name is cut in the middle to its column (less the contact's `*` and a space). */
function memberCells (row: MemberRow, nameWidth: number): string[] {
  const dash = (v: number | undefined, f: (n: number) => string): string => v === undefined ? '-' : f(v)
  return [
    // names come from other members: no control characters into the terminal
    `${truncateMiddle(row.name.replace(/\p{Cc}/gu, '?'), nameWidth - 2)}${row.isContact ? '*' : ''}`,
    row.shortId,
    colorState(row.state, true),
    String(row.incarnation),
    formatMs(row.rttMs),
    dash(row.keys, formatCount),
    row.memoryUsed === undefined ? '-' : `${formatBytes(row.memoryUsed)}/${formatBytes(row.memoryLimit ?? 0)}`,
    dash(row.opsPerSec, formatCount),
    formatPercent(row.hitRatio)
  ]
}

/**
 * The key's preference list, owner first, then any member standing in for one of them that is down (it holds the
 * write with a hint until the member is back): the copies a coordinator writes now. Fits an 80-column popup.
 */
function replicaLines (inspection: KeyInspection): string[] {
  const standIns = inspection.replicas.filter((r) => r.standsInFor !== undefined)
  const members = [...inspection.preferenceList, ...standIns]
  const nameWidth = Math.min(12, Math.max(...members.map((m) => m.name.length)))
  const line = (m: KeyMember, note: string): string =>
    `  ${escape(truncate(m.name, nameWidth).padEnd(nameWidth))} ${shortId(m.id)} ${m.state === undefined ? '?' : colorState(m.state)}${' '.repeat(8 - (m.state ?? '?').length)}${note}`.trimEnd()
  return [
    `replicas N=${inspection.n}: the key's preference list, owner first`,
    ...inspection.preferenceList.map((m, i) => {
      const notes = i === 0 ? ['owner'] : []
      if (m.state !== 'alive') {
        const standIn = standIns.find((r) => r.standsInFor?.id === m.id)
        notes.push(standIn === undefined ? 'down, no member to stand in' : `down, ${escape(standIn.name)} stands in`)
      }
      return line(m, notes.join(', '))
    }),
    ...standIns.map((r) => line(r, `stands in for ${escape(r.standsInFor?.name ?? '')} (holds a hint)`))
  ]
}

/** A state in its colour: ANSI inside the table (its widths ignore ANSI), tags elsewhere. */
function colorState (state: MemberRow['state'], ansi = false): string {
  const color = STATE_COLORS[state]
  return ansi ? `${ANSI[color] as string}${state}${ANSI_RESET}` : `{${color}-fg}${state}{/}`
}

/** Sets line data with a y range of at least 1, since an all-zero series would divide by zero. */
function setChart (chart: Chart, data: contrib.Widgets.LineData[]): void {
  const max = Math.max(0, ...data.flatMap((d) => d.y ?? []))
  ;(chart.options as { maxY?: number }).maxY = max > 0 ? max * 1.2 : 1
  chart.setData(data)
}

/** Keeps braces in names and messages from being read as blessed tags. */
function escape (text: string): string {
  return blessed.escape(text)
}
