/**
 * A member's local socket: a Unix socket in its data dir that serves the same RPC frames as its libp2p streams to
 * clients on the same machine. A CLI command that talks to its own machine's member then loads no libp2p and makes
 * no Noise handshake, which was most of a one-shot `dcache get` (bench/cli-latency.ts). Who may connect is decided
 * by the file's mode (0600: the user that runs the node), as for Redis's unixsocket; the swarm key guards the network.
 */
import { chmod, rm } from 'node:fs/promises'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { LocalFailureError, NetworkError, ProtocolError, TimeoutError } from '../common/errors.js'
import { MAX_FRAME_BYTES } from './constants.js'
import { RpcChannel, type RpcStream } from './rpc-channel.js'
import { emptyTransportStats, type TransportStats } from './transport-stats.js'
import type { NodeId, RequestHandler } from './transport.js'
import { WriteTurn } from './write-turn.js'

/** The socket's file in a member's data dir. */
export const LOCAL_SOCKET_FILE = 'node.sock'

/** The caller of a request that came in on the local socket, as the node's handlers see it. */
export const LOCAL_CLIENT: NodeId = 'a local client'

/** A net.Socket as an RPC channel sees it (opened with allowHalfOpen, so a half-closed peer still gets its answers). */
function rpcStreamOf (socket: Socket): RpcStream {
  return {
    get writable () { return socket.writable },
    send: (data) => { socket.write(data) },
    close: async (signal) => {
      if (socket.closed) return
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { reject(signal.reason) }
        signal.addEventListener('abort', onAbort, { once: true })
        socket.once('close', () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        })
        socket.end()
      })
    },
    abort: () => { socket.destroy() },
    listen: (events) => {
      let failure: Error | undefined
      socket.on('data', events.data)
      socket.on('end', events.remoteCloseWrite)
      socket.on('error', (err) => { failure = err })
      socket.on('close', () => { events.closed(failure) })
    }
  }
}

/** Serves `handlers` (by protocol) on a Unix socket at `path` until close(). */
export class LocalSocketServer {
  private readonly channels = new Set<RpcChannel>()
  private readonly statsCounters: TransportStats = emptyTransportStats()

  private constructor (private readonly server: Server, readonly path: string) {}

  /**
   * Listens at `path` with mode 0600; a file left there by a node that was killed (nothing answers on it) is replaced.
   * Rejects with LocalFailureError when a running node already serves there, or with the system's error when it
   * cannot listen (a path longer than the ~107 bytes a socket address holds, a read-only dir).
   */
  static async listen (path: string, handlers: Record<string, RequestHandler>, maxFrameBytes = MAX_FRAME_BYTES): Promise<LocalSocketServer> {
    if (await answers(path)) throw new LocalFailureError(`another node already serves ${path}`)
    await rm(path, { force: true })
    const server = createServer({ allowHalfOpen: true })
    const local = new LocalSocketServer(server, path)
    server.on('connection', (socket) => { local.accept(socket, handlers, maxFrameBytes) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => {
        server.off('error', reject)
        resolve()
      })
    })
    try {
      await chmod(path, 0o600)
    } catch (err) {
      await new Promise((resolve) => { server.close(resolve) })
      throw err
    }
    return local
  }

  stats (): TransportStats {
    return { ...this.statsCounters }
  }

  /** Stops listening and ends every connection (their pending requests fail); the file goes too (libuv unlinks it). */
  async close (): Promise<void> {
    const closed = new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
    await Promise.all([...this.channels].map(async (channel) => { await channel.close() }))
    await closed
  }

  private accept (socket: Socket, handlers: Record<string, RequestHandler>, maxFrameBytes: number): void {
    const channel = new RpcChannel({
      stream: rpcStreamOf(socket),
      // it only answers, each request in the format it came in
      format: 'binary',
      remote: LOCAL_CLIENT,
      maxFrameBytes,
      stats: this.statsCounters,
      turn: new WriteTurn(socket),
      serve: async (from, op, data) => {
        const handler = Object.hasOwn(handlers, op) ? handlers[op] : undefined
        if (handler === undefined) {
          this.statsCounters.unknownOps++
          throw new ProtocolError(`${op} is not served on the local socket`)
        }
        return await handler(from, data)
      },
      onClose: (c) => { this.channels.delete(c) }
    })
    this.channels.add(channel)
  }
}

/** Whether a node answers on the socket at `path` (a connection is accepted), as opposed to no file or a dead one's. */
async function answers (path: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const probe = createConnection({ path })
    probe.once('connect', () => { probe.destroy(); resolve(true) })
    probe.once('error', () => { resolve(false) })
  })
}

/**
 * Connects to the local socket of member `remote`; the channel sends requests over it (and serves none). Rejects with
 * NetworkError when nothing listens there (no file, or a node that was killed left it), TimeoutError after `timeoutMs`.
 */
export async function dialLocalSocket (path: string, remote: NodeId, timeoutMs: number, maxFrameBytes = MAX_FRAME_BYTES): Promise<RpcChannel> {
  const socket = createConnection({ path, allowHalfOpen: true })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { fail(new TimeoutError(`no answer within ${timeoutMs} ms on ${path}`)) }, timeoutMs)
    const fail = (err: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      reject(err instanceof TimeoutError ? err : new NetworkError(`cannot reach the node's local socket ${path}: ${err.message}`))
    }
    socket.once('error', fail)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.off('error', fail)
      resolve()
    })
  })
  return new RpcChannel({
    stream: rpcStreamOf(socket),
    // msgpack frames: a member of the version before binary frames, still running after the CLI was updated, reads them
    format: 'msgpack',
    remote,
    maxFrameBytes,
    stats: emptyTransportStats(),
    turn: new WriteTurn(socket),
    serve: async () => { throw new ProtocolError('a client serves no requests') },
    onClose: () => {}
  })
}
