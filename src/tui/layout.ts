/** Where each panel goes for a terminal size: pure, so the no-overlap property is tested without a screen. */

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

export const PANELS = ['header', 'members', 'throughput', 'latency', 'ring', 'totals', 'events'] as const
export type Panel = typeof PANELS[number]
export type Layout = Record<Panel, Rect>

/** The smallest terminal the dashboard is laid out for; smaller ones get the same proportions, cramped. */
export const MIN_COLS = 80
export const MIN_ROWS = 24
/** The totals panel is never narrower: a 10-character memory figure (`12.3M/3.0G`) and two figures to a line fit. */
export const TOTALS_MIN_WIDTH = 26

/**
 * One header line; then the members table, the two charts side by side, and a bottom row with the ring, the
 * totals and the event log. At 80x24 the rows are 8 / 8 / 7 lines and the bottom row 22 / 26 / 32 columns (room
 * for `HH:MM:SS node-3 suspect→alive` in the log); larger terminals grow every row and column.
 */
export function computeLayout (cols: number, rows: number): Layout {
  const body = Math.max(3, rows - 1)
  const membersHeight = Math.max(Math.min(8, Math.floor(body / 3)), Math.round(body * 0.33))
  const chartsHeight = Math.max(Math.min(8, Math.floor(body / 3)), Math.round(body * 0.34))
  const bottomHeight = Math.max(1, body - membersHeight - chartsHeight)
  const chartsTop = 1 + membersHeight
  const bottomTop = chartsTop + chartsHeight
  const half = Math.floor(cols / 2)
  const ringWidth = Math.round(cols * 0.28)
  const totalsWidth = Math.min(Math.max(TOTALS_MIN_WIDTH, Math.round(cols * 0.25)), Math.max(0, cols - ringWidth - 1))
  return {
    header: { left: 0, top: 0, width: cols, height: 1 },
    members: { left: 0, top: 1, width: cols, height: membersHeight },
    throughput: { left: 0, top: chartsTop, width: half, height: chartsHeight },
    latency: { left: half, top: chartsTop, width: cols - half, height: chartsHeight },
    ring: { left: 0, top: bottomTop, width: ringWidth, height: bottomHeight },
    totals: { left: ringWidth, top: bottomTop, width: totalsWidth, height: bottomHeight },
    events: { left: ringWidth + totalsWidth, top: bottomTop, width: cols - ringWidth - totalsWidth, height: bottomHeight }
  }
}

export function overlaps (a: Rect, b: Rect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height
}
