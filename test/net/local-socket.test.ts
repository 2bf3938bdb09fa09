import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createConnection, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalFailureError, NetworkError, ProtocolError } from '../../src/common/errors.js'
import { encodeFrame, FrameDecoder, type Frame } from '../../src/net/codec.js'
import { dialLocalSocket, LOCAL_CLIENT, LocalSocketServer } from '../../src/net/local-socket.js'
import type { RpcChannel } from '../../src/net/rpc-channel.js'
import type { NodeId } from '../../src/net/transport.js'

const ECHO = '/test/echo/1'
const TIMEOUT_MS = 5000

interface Fixture {
  path: string
  /** Who the handler was called for, in order. */
  callers: NodeId[]
  /** Starts the server (again, after a close) on `path`. */
  listen: () => Promise<LocalSocketServer>
  dial: () => Promise<RpcChannel>
}

/** A temporary dir with a socket serving ECHO; every server, channel and the dir are gone afterwards, even on failure. */
async function withSocket (fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-local-socket-'))
  const servers: LocalSocketServer[] = []
  const channels: RpcChannel[] = []
  const callers: NodeId[] = []
  const path = join(dir, 'node.sock')
  try {
    await fn({
      path,
      callers,
      listen: async () => {
        const server = await LocalSocketServer.listen(path, { [ECHO]: async (from, data) => { callers.push(from); return data } })
        servers.push(server)
        return server
      },
      dial: async () => {
        const channel = await dialLocalSocket(path, 'the-node', TIMEOUT_MS)
        channels.push(channel)
        return channel
      }
    })
  } finally {
    await Promise.allSettled(channels.map(async (c) => { await c.close() }))
    await Promise.allSettled(servers.map(async (s) => { await s.close() }))
    await rm(dir, { recursive: true, force: true })
  }
}

/** A plain socket to `path`, below the channel, to send whatever bytes a test wants. */
async function rawSocket (path: string): Promise<Socket> {
  const socket = createConnection({ path })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
  return socket
}

/** Every frame that arrives on `socket` until it closes. */
async function framesUntilClose (socket: Socket): Promise<Frame[]> {
  const decoder = new FrameDecoder()
  const frames: Frame[] = []
  socket.on('data', (chunk) => { frames.push(...decoder.push(chunk)) })
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('close', resolve))
  return frames
}

test('requests over the local socket reach the handler as a local client, and the file is private to the user', async () => {
  await withSocket(async ({ path, callers, listen, dial }) => {
    await listen()
    assert.is((await stat(path)).mode & 0o777, 0o600)
    const channel = await dial()
    const replies = await Promise.all([1, 2, 3].map(async (n) => [...await channel.request(ECHO, new Uint8Array([n]), TIMEOUT_MS)]))
    assert.equal(replies, [[1], [2], [3]])
    assert.equal(callers, [LOCAL_CLIENT, LOCAL_CLIENT, LOCAL_CLIENT])
  })
})

test('an op the socket does not serve gets a ProtocolError and the connection keeps serving', async () => {
  await withSocket(async ({ listen, dial }) => {
    const server = await listen()
    const channel = await dial()
    const err = await channel.request('/dcache/swim/1.0.0', new Uint8Array([1]), TIMEOUT_MS).catch((e: unknown) => e)
    assert.instance(err, ProtocolError)
    assert.match((err as Error).message, 'not served on the local socket')
    assert.is(server.stats().unknownOps, 1)
    assert.equal([...await channel.request(ECHO, new Uint8Array([7]), TIMEOUT_MS)], [7])
  })
})

test('a malformed frame ends only its own connection', async () => {
  await withSocket(async ({ path, listen, dial }) => {
    const server = await listen()
    const channel = await dial()
    const raw = await rawSocket(path)
    const ended = framesUntilClose(raw)
    raw.write(new Uint8Array([0, 0, 0, 5, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1]))
    assert.equal(await ended, [])
    assert.is(server.stats().malformedFrames, 1)
    assert.equal([...await channel.request(ECHO, new Uint8Array([9]), TIMEOUT_MS)], [9])
  })
})

test('a client that half-closes after its requests still gets every answer', async () => {
  await withSocket(async ({ path, listen }) => {
    await listen()
    const raw = await rawSocket(path)
    const answered = framesUntilClose(raw)
    raw.end(Buffer.concat([1, 2].map((id) => encodeFrame({ id, op: ECHO, data: new Uint8Array([id]), deadline: TIMEOUT_MS }))))
    const frames = await answered
    assert.equal(frames.map((f) => 'ok' in f ? [f.id, [...f.ok]] : f), [[1, [1]], [2, [2]]])
  })
})

test('each request is answered in the frame format it came in, so a CLI of either version can use the socket', async () => {
  await withSocket(async ({ path, listen }) => {
    await listen()
    const raw = await rawSocket(path)
    const bytes: Uint8Array[] = []
    raw.on('data', (chunk: Uint8Array) => { bytes.push(chunk) })
    const answered = framesUntilClose(raw)
    raw.end(Buffer.concat([
      encodeFrame({ id: 1, op: ECHO, data: new Uint8Array([1]), deadline: TIMEOUT_MS }, 'msgpack'),
      encodeFrame({ id: 2, op: ECHO, data: new Uint8Array([2]), deadline: TIMEOUT_MS }, 'binary')
    ]))
    const frames = await answered
    assert.equal(frames.map((f) => 'ok' in f ? [f.id, [...f.ok]] : f), [[1, [1]], [2, [2]]])
    const all = Buffer.concat(bytes)
    const firstBody = all[4] as number
    const secondBody = all[4 + all.readUInt32BE(0) + 4] as number
    assert.ok(firstBody >= 0x80, 'msgpack for the msgpack request')
    assert.is(secondBody, 0x02, 'binary for the binary one')
  })
})

test('a socket file left by a killed node is replaced, and a stopped server removes its file and fails what was pending', async () => {
  await withSocket(async ({ path, listen, dial }) => {
    await writeFile(path, 'left over')
    const server = await listen()
    const channel = await dial()
    assert.equal([...await channel.request(ECHO, new Uint8Array([1]), TIMEOUT_MS)], [1])
    await server.close()
    await stat(path).then(() => assert.unreachable('the file is gone'), (err: NodeJS.ErrnoException) => { assert.is(err.code, 'ENOENT') })
    const err = await channel.request(ECHO, new Uint8Array([2]), TIMEOUT_MS).catch((e: unknown) => e)
    assert.instance(err, NetworkError)
  })
})

test('a second node on a live socket is refused rather than taking it over', async () => {
  await withSocket(async ({ path, listen, dial }) => {
    const first = await listen()
    const refused = await listen().catch((e: unknown) => e)
    assert.instance(refused, LocalFailureError)
    assert.match((refused as Error).message, path)
    assert.equal([...await (await dial()).request(ECHO, new Uint8Array([5]), TIMEOUT_MS)], [5], 'the first still serves')
    await first.close()
    await stat(path).then(() => assert.unreachable('the file went with the server'), () => {})
    await listen()
  })
})

test('dialling a socket nobody serves is a NetworkError naming the file', async () => {
  await withSocket(async ({ path, dial }) => {
    const err = await dial().catch((e: unknown) => e)
    assert.instance(err, NetworkError)
    assert.match((err as Error).message, path)
  })
})

test.run()
