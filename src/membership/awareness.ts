/**
 * Lifeguard's local health awareness (memberlist awareness.go): a member that misses acks it should have had,
 * or has to refute suspicions about itself, is probably the slow one. It raises its score and stretches its own
 * timeouts, so it does not accuse healthy peers of its own slowness.
 */
export class Awareness {
  private score = 0

  /** @param max the largest timeout multiplier; the score stays in 0..max-1. */
  constructor (private readonly max: number) {}

  /** Moves the score by `delta`, clamped to 0..max-1. */
  applyDelta (delta: number): void {
    this.score = Math.min(this.max - 1, Math.max(0, this.score + delta))
  }

  /** 0 is healthy; higher means this member is missing its own deadlines. */
  get healthScore (): number {
    return this.score
  }

  /** `timeoutMs * (score + 1)`. */
  scaleTimeout (timeoutMs: number): number {
    return timeoutMs * (this.score + 1)
  }
}
