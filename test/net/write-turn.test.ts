import { createServer, Socket, type Server } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { WriteTurn } from '../../src/net/write-turn.js'

const nextTurn = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

/** A connected pair of TCP sockets on 127.0.0.1; everything is closed afterwards, even when the test fails. */
async function withSocketPair (fn: (local: Socket, remote: Socket) => Promise<void>): Promise<void> {
  let remote: Socket | undefined
  const server: Server = createServer()
  const accepted = new Promise<Socket>((resolve) => { server.once('connection', resolve) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const local = new Socket()
  try {
    await new Promise<void>((resolve) => local.connect((server.address() as { port: number }).port, '127.0.0.1', resolve))
    remote = await accepted
    await fn(local, remote)
  } finally {
    local.destroy()
    remote?.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
}

test('flushes scheduled in a turn run once at its end, the socket corked until then', async () => {
  await withSocketPair(async (local) => {
    const turn = new WriteTurn(local)
    let flushes = 0
    const flush = (): void => { flushes++ }
    turn.schedule(flush)
    turn.schedule(flush)
    assert.is(flushes, 0)
    assert.is(local.writableCorked, 1)
    await nextTurn()
    assert.is(flushes, 1)
    assert.is(local.writableCorked, 0)
  })
})

test('a hold from inside a flush corks again and is released at the end of its own turn', async () => {
  await withSocketPair(async (local) => {
    const turn = new WriteTurn(local)
    turn.schedule(() => { turn.hold() })
    await nextTurn()
    assert.is(local.writableCorked, 1)
    await nextTurn()
    assert.is(local.writableCorked, 0)
  })
})

test('writes held during a turn all reach the peer once it ends', async () => {
  await withSocketPair(async (local, remote) => {
    const received: Buffer[] = []
    const all = new Promise<void>((resolve) => {
      remote.on('data', (chunk: Buffer) => {
        received.push(chunk)
        if (Buffer.concat(received).length === 3) resolve()
      })
    })
    const turn = new WriteTurn(local)
    turn.hold()
    local.write('a')
    local.write('b')
    turn.schedule(() => { local.write('c') })
    await all
    assert.is(Buffer.concat(received).toString(), 'abc')
  })
})

test('without a socket, flushes are still batched per turn', async () => {
  const turn = new WriteTurn()
  let flushes = 0
  turn.schedule(() => { flushes++ })
  turn.hold()
  await nextTurn()
  assert.is(flushes, 1)
})

test.run()
