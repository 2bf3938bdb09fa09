/**
 * Telling a swarm key mismatch from a network failure. A libp2p private network (pnet) XORs every byte with a key
 * stream; peers with different keys, or one with a key and one without, read each other's bytes as noise, and
 * libp2p then fails at random: a reset, "Message length too long", or a handshake that waits until the deadline.
 * So the listening side checks the first bytes it reads: every libp2p dialer starts with the multistream-select
 * header, and anything else means the two sides do not share a key; it refuses at once (and says so in its log), and
 * the dialer, which sees its handshake fail, says that the cluster may need another swarm key.
 */
import type { AbortOptions, ConnectionProtector, MessageStream, Transport, Upgrader } from '@libp2p/interface'
import { preSharedKey } from '@libp2p/pnet'
import { byteStream } from '@libp2p/utils'

/** The first bytes of every libp2p connection once protected: multistream-select's length-prefixed header. */
const MULTISTREAM_HEADER = new TextEncoder().encode('\x13/multistream/1.0.0\n')

/** A connection that reached the peer but whose handshake failed (not one the caller gave up on). */
export class HandshakeError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'HandshakeError'
  }
}

/** The HandshakeError inside what libp2p's dial threw (itself, its cause, or one of an AggregateError's errors). */
export function findHandshakeError (err: unknown, depth = 0): HandshakeError | undefined {
  if (err instanceof HandshakeError) return err
  if (!(err instanceof Error) || depth > 4) return undefined
  for (const inner of [err.cause, ...(err instanceof AggregateError ? err.errors : [])]) {
    const found = findHandshakeError(inner, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

export interface GuardInit {
  /** Contents of a swarm key file; without one, connections are checked but not encrypted twice. */
  swarmKey?: Uint8Array
  /** An inbound connection was refused: its first bytes were not a libp2p handshake. */
  onRefused?: (remote: string, reason: string) => void
}

/** libp2p's connection protector, always installed: pnet when there is a key, and the first-bytes check inbound. */
export function handshakeGuard (init: GuardInit): () => ConnectionProtector {
  const pnet = init.swarmKey === undefined ? undefined : preSharedKey({ psk: init.swarmKey })()
  const reason = init.swarmKey === undefined
    ? 'it sent no libp2p handshake: does it use a swarm key? This node has none'
    : 'it sent no libp2p handshake: does it lack the swarm key, or use a different one?'
  return () => ({
    async protect (connection: MessageStream, options?: AbortOptions): Promise<MessageStream> {
      const stream = pnet === undefined ? connection : await pnet.protect(connection, options)
      if (connection.direction !== 'inbound') return stream
      const start = await readHeader(stream, options)
      if (start === 'header') return stream
      const remote = String((connection as { remoteAddr?: unknown }).remoteAddr ?? 'a peer')
      // a peer that closed before sending a byte gave up (a client's timeout), it did not speak another protocol
      if (start === 'closed') throw new HandshakeError(`${remote} closed the connection before its handshake`)
      init.onRefused?.(remote, reason)
      throw new HandshakeError(`refused a connection from ${remote}: ${reason}`)
    }
  })
}

/**
 * Reads until the multistream-select header is complete or a byte differs from it; puts what it read back. The
 * dialer always speaks first, so this never waits on the other side. 'closed': the peer closed before sending a
 * byte; 'other': it sent something else, or closed part way through the header.
 */
async function readHeader (stream: MessageStream, options?: AbortOptions): Promise<'header' | 'other' | 'closed'> {
  const bytes = byteStream(stream)
  const seen: Uint8Array[] = []
  let length = 0
  for (;;) {
    const chunk = await bytes.read(options)
    if (chunk === null) return length === 0 ? 'closed' : 'other'
    const data = chunk.subarray()
    const compared = Math.min(data.length, MULTISTREAM_HEADER.length - length)
    for (let i = 0; i < compared; i++) if (data[i] !== MULTISTREAM_HEADER[length + i]) return 'other'
    seen.push(data)
    length += data.length
    if (length >= MULTISTREAM_HEADER.length) break
  }
  bytes.unwrap()
  stream.unshift(Buffer.concat(seen))
  return 'header'
}

/**
 * Wraps a transport so that a dial which reached the peer (the TCP connection opened) but failed in the handshake
 * fails with a HandshakeError, unless the caller gave up (its signal fired) or the peer has another identity than
 * the address names (a handshake that worked, for a different node).
 */
export function reportHandshakeFailures<C> (transport: (components: C) => Transport): (components: C) => Transport {
  return (components) => {
    const inner = transport(components)
    const dial = inner.dial.bind(inner)
    inner.dial = async (ma, options) => await dial(ma, { ...options, upgrader: withHandshakeErrors(options.upgrader) })
    return inner
  }
}

function withHandshakeErrors (upgrader: Upgrader): Upgrader {
  const upgradeOutbound: Upgrader['upgradeOutbound'] = async (maConn, opts) => {
    try {
      return await upgrader.upgradeOutbound(maConn, opts)
    } catch (err) {
      if (opts.signal?.aborted === true || /identity key/.test((err as Error).message)) throw err
      throw new HandshakeError(`handshake failed with ${maConn.remoteAddr.toString()}: ${(err as Error).message}`, { cause: err })
    }
  }
  return new Proxy(upgrader, {
    get: (target, property) => {
      if (property === 'upgradeOutbound') return upgradeOutbound
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
