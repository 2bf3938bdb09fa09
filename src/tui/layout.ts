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

/**
 * One header line; then the members table, the two charts side by side, and a bottom row with the ring, the
 * totals and the event log. At 80x24 the rows are 8 / 8 / 7 lines; larger terminals grow every row and column.
 */
export function computeLayout (cols: number, rows: number): Layout {
  const body = Math.max(3, rows - 1)
  const membersHeight = Math.max(Math.min(8, Math.floor(body / 3)), Math.round(body * 0.33))
  const chartsHeight = Math.max(Math.min(8, Math.floor(body / 3)), Math.round(body * 0.34))
  const bottomHeight = Math.max(1, body - membersHeight - chartsHeight)
  const chartsTop = 1 + membersHeight
  const bottomTop = chartsTop + chartsHeight
  const half = Math.floor(cols / 2)
  const ringWidth = Math.round(cols * 0.34)
  const totalsWidth = Math.round(cols * 0.25)
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
