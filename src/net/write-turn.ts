import type { Socket } from 'node:net'

/**
 * The end of the current event-loop turn for one connection: RPC channels schedule their flush here, and until it
 * runs the connection's socket (TCP under libp2p, or a node's local socket) is corked, so everything written in the
 * turn leaves in one writev.
 * Without it one request costs several syscalls: @libp2p/tcp writes every chunk on its own (Noise's 2-byte length
 * and its ciphertext separately), and yamux answers every data frame it reads with a window update, which went
 * out alone in the middle of our read (FACTS section 8). Corked, bench/rpc.ts with 50 callers x 1 went from
 * 16-24 to 11-12 us of client CPU per request (server 13-18 to 8-9).
 */
export class WriteTurn {
  private readonly flushes = new Set<() => void>()
  private scheduled = false
  private corked = false

  /** `socket` is absent for connections whose socket is unknown: flushes are still batched, writes not held. */
  constructor (private readonly socket?: Socket) {}

  /** Runs `flush` once at the end of this turn, however often it is scheduled. */
  schedule (flush: () => void): void {
    this.flushes.add(flush)
    this.hold()
  }

  /** Holds the socket's writes until the end of this turn (call it on reading: the muxer replies to what it read). */
  hold (): void {
    if (this.scheduled) return
    this.scheduled = true
    if (this.socket !== undefined && this.socket.writable) {
      this.socket.cork()
      this.corked = true
    }
    setImmediate(this.release)
  }

  private readonly release = (): void => {
    // A hold() from inside a flush corks again and schedules its own release: each release undoes only its own cork.
    const corked = this.corked
    this.scheduled = false
    this.corked = false
    const flushes = [...this.flushes]
    this.flushes.clear()
    try {
      for (const flush of flushes) flush()
    } finally {
      if (corked) this.socket?.uncork()
    }
  }
}

