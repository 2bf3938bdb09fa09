import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { NetworkError, ProtocolError, TimeoutError, ValueTooLargeError } from '../../src/common/errors.js'
import { encodeFrame, FrameDecoder, type Frame } from '../../src/net/codec.js'
import { createHost, Libp2pTransport, loadOrCreatePrivateKey, RPC_STREAM_PROTOCOL, type DcacheHost, type Libp2pTransportInit } from '../../src/net/libp2p/index.js'
import { RPC_STREAM_PROTOCOL_V1 } from '../../src/net/constants.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']
const PING = '/test/ping/1'

/** Starts what a test needs and stops all of it afterwards, even when the test fails. */
async function withNodes (fn: (start: (init?: Libp2pTransportInit, listen?: string[]) => Promise<Libp2pTransport>) => Promise<void>): Promise<void> {
  const started: Libp2pTransport[] = []
  try {
    await fn(async (init = {}, listen = LOOPBACK) => {
      const transport = new Libp2pTransport(await createHost({ listen }), init)
      started.push(transport)
      await transport.start()
      await transport.handle(PING, async (_from, data) => data)
      return transport
    })
  } finally {
    await Promise.all(started.map(async (t) => { await t.stop() }))
  }
}

/** A raw RPC stream from `client` to `server`, below the transport, to send whatever bytes a test wants. */
async function rawStream (client: DcacheHost, server: Libp2pTransport, protocol = RPC_STREAM_PROTOCOL): Promise<Stream> {
  const [addr] = server.addresses()
  if (addr === undefined) throw new Error('server has no address')
  return await client.dialProtocol(multiaddr(addr), protocol, { signal: AbortSignal.timeout(5000) })
}

/** Resolves with the first `n` frames that arrive on `raw`, and the bytes they came in. */
async function firstFrames (raw: Stream, n: number): Promise<{ frames: Frame[], bytes: Uint8Array[] }> {
  const decoder = new FrameDecoder()
  return await new Promise((resolve) => {
    const frames: Frame[] = []
    const bytes: Uint8Array[] = []
    raw.addEventListener('message', (evt) => {
      const chunks = evt.data instanceof Uint8Array ? [evt.data] : [...evt.data]
      for (const chunk of chunks) {
        bytes.push(chunk.slice())
        frames.push(...decoder.push(chunk))
      }
      if (frames.length >= n) resolve({ frames, bytes })
    })
  })
}

/** Resolves with the stream's close error (undefined for a clean close) once the stream is finished. */
async function closed (stream: Stream): Promise<Error | undefined> {
  if (stream.status !== 'open') return undefined
  return await new Promise((resolve) => { stream.addEventListener('close', (evt) => { resolve(evt.error) }, { once: true }) })
}

/** The node answers a normal request (the client learns its addresses first, as a member table would tell it). */
async function stillServes (server: Libp2pTransport, client: Libp2pTransport): Promise<void> {
  client.addAddresses(server.self, server.addresses())
  const reply = await client.request(server.self, PING, new Uint8Array([42]))
  assert.equal([...reply], [42])
}

test('garbage bytes reset that stream, count a malformed frame, and the node keeps serving', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    const raw = await rawStream(client.host, server)
    raw.send(new Uint8Array([0, 0, 0, 5, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1]))
    assert.ok(await closed(raw) !== undefined, 'the stream was reset, not closed cleanly')
    assert.is(server.stats().malformedFrames, 1)
    await stillServes(server, client)
  })
})

test('a frame cut off by the end of the stream counts as malformed', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    const raw = await rawStream(client.host, server)
    const frame = encodeFrame({ id: 1, op: PING, data: new Uint8Array([1]), deadline: 1000 })
    raw.send(frame.subarray(0, frame.length - 2))
    await raw.close()
    await closed(raw)
    assert.is(server.stats().malformedFrames, 1)
    await stillServes(server, client)
  })
})

test('an oversized length prefix resets the stream before any body is read', async () => {
  await withNodes(async (start) => {
    const server = await start({ maxFrameBytes: 1024 })
    const client = await start()
    const raw = await rawStream(client.host, server)
    raw.send(new Uint8Array([0xff, 0xff, 0xff, 0xff]))
    assert.ok(await closed(raw) !== undefined)
    assert.is(server.stats().malformedFrames, 1)
    await stillServes(server, client)
  })
})

test('an unknown op gets a ProtocolError response on a stream that stays open', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    const raw = await rawStream(client.host, server)
    const responses = firstFrames(raw, 2)
    raw.send(encodeFrame({ id: 7, op: '/test/nope/1', data: new Uint8Array(), deadline: 1000 }))
    raw.send(encodeFrame({ id: 8, op: PING, data: new Uint8Array([5]), deadline: 1000 }))
    const [unknown, ping] = (await responses).frames
    assert.equal(unknown, { id: 7, error: { code: new ProtocolError().code, message: `no handler for /test/nope/1 on ${server.self}` } })
    assert.equal(ping !== undefined && 'ok' in ping ? [...ping.ok] : undefined, [5])
    assert.is(server.stats().unknownOps, 1)
    assert.is(server.stats().malformedFrames, 0)
    raw.abort(new Error('test done'))
  })
})

test('a peer that speaks only version 1 of the RPC stream gets msgpack frames back', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    const raw = await rawStream(client.host, server, RPC_STREAM_PROTOCOL_V1)
    const responses = firstFrames(raw, 1)
    raw.send(encodeFrame({ id: 3, op: PING, data: new Uint8Array([6]), deadline: 1000 }, 'msgpack'))
    const { frames: [ping], bytes: [first] } = await responses
    assert.equal(ping !== undefined && 'ok' in ping ? [ping.id, [...ping.ok]] : undefined, [3, [6]])
    assert.ok(first !== undefined && (first[4] as number) >= 0x80, 'the answer is a msgpack map')
    raw.abort(new Error('test done'))
  })
})

test('a request past the default deadline rejects with TimeoutError and the stream stays usable', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start({ requestTimeoutMs: 300 })
    client.addAddresses(server.self, server.addresses())
    let release = (): void => {}
    await server.handle('/test/hang/1', async () => { await new Promise<void>((resolve) => { release = resolve }); return new Uint8Array() })
    try {
      const err = await client.request(server.self, '/test/hang/1', new Uint8Array()).then(() => undefined, (e: unknown) => e)
      assert.instance(err, TimeoutError)
    } finally {
      release()
    }
    await stillServes(server, client)
    assert.is(client.stats().streamsOpened, 1)
  })
})

test('a request with a shorter timeoutMs expires alone, the other requests in flight on the stream still get answered', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    client.addAddresses(server.self, server.addresses())
    // Requests wait until released; once released, later arrivals pass straight through.
    let released = false
    const releases: Array<() => void> = []
    const releaseAll = (): void => { released = true; for (const release of releases.splice(0)) release() }
    await server.handle('/test/hang/1', async (_from, data) => {
      if (!released) await new Promise<void>((resolve) => { releases.push(resolve) })
      return data
    })
    try {
      const patient = client.request(server.self, '/test/hang/1', new Uint8Array([1]))
      const hasty = await client.request(server.self, '/test/hang/1', new Uint8Array([2]), { timeoutMs: 50 }).then(() => undefined, (e: unknown) => e)
      assert.instance(hasty, TimeoutError)
      releaseAll()
      assert.equal([...await patient], [1])
    } finally {
      releaseAll()
    }
    assert.is(client.stats().streamsOpened, 1)
  })
})

test('when the connection drops, pending requests fail with NetworkError and the next request opens a new stream', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    await stillServes(server, client)
    await server.handle('/test/hang/1', async () => await new Promise<Uint8Array>(() => {}))
    const pending = client.request(server.self, '/test/hang/1', new Uint8Array()).then(() => undefined, (e: unknown) => e)
    await client.host.hangUp(peerIdFromString(server.self))
    assert.instance(await pending, NetworkError)
    await stillServes(server, client)
    assert.is(client.stats().streamsOpened, 2)
  })
})

test('a request too large to send is refused locally with ValueTooLargeError', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start({ maxFrameBytes: 1024 })
    client.addAddresses(server.self, server.addresses())
    const err = await client.request(server.self, PING, new Uint8Array(4096)).then(() => undefined, (e: unknown) => e)
    assert.instance(err, ValueTooLargeError)
    await stillServes(server, client)
  })
})

test('requests queued in the same tick go out in fewer writes than frames', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    await stillServes(server, client)
    const before = client.stats()
    await Promise.all(Array.from({ length: 100 }, async (_, i) => await client.request(server.self, PING, new Uint8Array([i]))))
    const after = client.stats()
    assert.is(after.framesOut - before.framesOut, 100)
    assert.ok(after.writes - before.writes < 10, `100 requests took ${after.writes - before.writes} writes`)
  })
})

test('announced addresses are exactly the listen addresses, also after peers connect', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start()
    const [addr] = server.addresses()
    assert.is(server.addresses().length, 1)
    assert.match(addr ?? '', new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${server.self}$`))
    assert.not.match(addr ?? '', /\/tcp\/0\//)
    await stillServes(server, client)
    await client.host.services.identify.identify(client.host.getConnections(peerIdFromString(server.self))[0]!)
    assert.equal(server.addresses(), [addr])
  })
})

test('a client-only host announces nothing and can still make requests', async () => {
  await withNodes(async (start) => {
    const server = await start()
    const client = await start({}, [])
    assert.equal(client.addresses(), [])
    const [addr] = server.addresses()
    assert.is(await client.connect(addr ?? ''), server.self)
    await stillServes(server, client)
  })
})

test('the same key file gives the same PeerId across a restart, and the file is private', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-key-'))
  try {
    const file = join(dir, 'nested', 'peer.key')
    const first = await createHost({ listen: [], privateKey: await loadOrCreatePrivateKey(file) })
    const firstId = first.peerId.toString()
    await first.stop()
    const second = await createHost({ listen: [], privateKey: await loadOrCreatePrivateKey(file) })
    const secondId = second.peerId.toString()
    await second.stop()
    assert.is(secondId, firstId)
    assert.is((await stat(file)).mode & 0o777, 0o600)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
