/** Keys a session remembers; past this the least recently used key is forgotten (its guarantee lapses). */
const SESSION_KEYS = 10_000

/**
 * A causal token: for each key this session touched, the newest write time it has seen (from every reply). Sent
 * with each request as `minTs`, so no replica older than that answers it: the session reads its own writes and never
 * reads older than it has read, at any level, `one` included.
 */
export class SessionToken {
  private readonly seen = new Map<string, number>()

  minTs (key: string): number {
    return this.seen.get(key) ?? 0
  }

  observe (key: string, ts: number): void {
    if (!(ts > 0)) return
    const before = this.seen.get(key)
    if (before !== undefined && before >= ts) return
    this.seen.delete(key)
    this.seen.set(key, ts)
    if (this.seen.size > SESSION_KEYS) this.seen.delete(this.seen.keys().next().value as string)
  }

  toJSON (): Record<string, number> {
    return Object.fromEntries(this.seen)
  }

  /** A token saved with toJSON (the CLI's --session file); anything malformed in it is ignored. */
  static fromJSON (json: unknown): SessionToken {
    const token = new SessionToken()
    if (json !== null && typeof json === 'object') {
      for (const [key, ts] of Object.entries(json)) if (typeof ts === 'number') token.observe(key, ts)
    }
    return token
  }
}
