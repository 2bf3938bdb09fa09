/**
 * A debug switch for failure-detection experiments: blocks this process's event loop for `blockMs` every `everyMs`
 * (as a long GC pause or a CPU-bound request would), so false positives can be counted with Lifeguard on and off.
 * Returns stop().
 */
export function startLoopBlocker (blockMs: number, everyMs: number): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + blockMs
    while (performance.now() < until) { /* busy: the point is to hold the event loop */ }
  }, everyMs)
  timer.unref()
  return () => { clearInterval(timer) }
}

/** Parses `BLOCK/EVERY` in milliseconds, e.g. `500/5000`. */
export function parseLoopBlock (text: string): { blockMs: number, everyMs: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (match === null) throw new Error(`expected BLOCK_MS/EVERY_MS such as 500/5000 (got "${text}")`)
  return { blockMs: Number(match[1]), everyMs: Number(match[2]) }
}
