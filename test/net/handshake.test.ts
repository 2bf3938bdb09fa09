// A swarm key mismatch on either side is a handshake failure that says so, at once, on both sides.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { connect as tcpConnect } from 'node:net'
import { generateKey } from '@libp2p/pnet'
import { NetworkError } from '../../src/common/errors.js'
import { createLog } from '../../src/common/log.js'
import { createHost, Libp2pTransport } from '../../src/net/libp2p/index.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']
/** Tries per case: a mismatch used to fail differently from one connection to the next (reset, garbage, timeout). */
const TRIES = 5

function swarmKey (): Uint8Array {
  const key = new Uint8Array(95)
  generateKey(key)
  return key
}

/** A warn-level log that collects lines, and a promise that settles once `expected` lines came (or fails after a while). */
function collectingLog (expected: number): { lines: string[], log: ReturnType<typeof createLog>, all: () => Promise<void> } {
  const lines: string[] = []
  const { promise, resolve } = Promise.withResolvers<void>()
  const log = createLog({ level: 'warn', format: 'text', write: (line) => { if (lines.push(line) === expected) resolve() } })
  const all = async (): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${lines.length} of ${expected} lines: ${lines.join('\n')}`)) }, 10_000) })
    try {
      await Promise.race([promise, late])
    } finally {
      clearTimeout(timer)
    }
  }
  return { lines, log, all }
}

const cases: Array<[string, Uint8Array | undefined, Uint8Array | undefined, RegExp]> = [
  ['the node and the client have different keys', swarmKey(), swarmKey(), /does it lack the swarm key, or use a different one\?/],
  ['the node has a key, the client none', swarmKey(), undefined, /does it lack the swarm key, or use a different one\?/],
  ['the client has a key, the node none', undefined, swarmKey(), /does it use a swarm key\? This node has none/]
]

for (const [name, nodeKey, clientKey, refusal] of cases) {
  test(`${name}: the client's connect fails as a handshake failure and the node logs the refusal`, async () => {
    const { lines: refused, log, all } = collectingLog(TRIES)
    const node = new Libp2pTransport(await createHost({ listen: LOOPBACK, swarmKey: nodeKey, log }))
    const clients: Libp2pTransport[] = []
    try {
      await node.start()
      const address = node.addresses()[0] as string
      for (let i = 0; i < TRIES; i++) {
        const client = new Libp2pTransport(await createHost({ listen: [], swarmKey: clientKey }))
        clients.push(client)
        await client.start()
        // a deadline far beyond a failed handshake: a mismatch must not wait for it
        const err = await client.connect(address, { signal: AbortSignal.timeout(60_000) }).then(() => undefined, (e: unknown) => e)
        assert.instance(err, NetworkError)
        assert.is((err as Error).message, `handshake failed with ${address}: does the cluster need a swarm key, or a different one?`)
      }
      // the node refuses in its own turn of the event loop, which may come after the client's failure
      await all()
      assert.is(refused.length, TRIES, refused.join('\n'))
      for (const line of refused) {
        assert.match(line, / warn  connection:refused refused a connection from \/ip4\/127\.0\.0\.1\/tcp\/\d+: /)
        assert.match(line, refusal)
      }
    } finally {
      await Promise.all([node, ...clients].map(async (t) => { await t.stop() }))
    }
  })
}

test('the same key on both sides connects, and nothing is refused', async () => {
  const key = swarmKey()
  const refused: string[] = []
  const log = createLog({ level: 'warn', format: 'text', write: (line) => refused.push(line) })
  const node = new Libp2pTransport(await createHost({ listen: LOOPBACK, swarmKey: key, log }))
  const client = new Libp2pTransport(await createHost({ listen: [], swarmKey: key }))
  try {
    await node.start()
    await client.start()
    assert.is(await client.connect(node.addresses()[0] as string), node.self)
    await node.handle('/test/echo', async (_from, data) => data)
    assert.equal(await client.request(node.self, '/test/echo', new Uint8Array([1, 2, 3])), new Uint8Array([1, 2, 3]))
    assert.equal(refused, [])
  } finally {
    await Promise.all([node, client].map(async (t) => { await t.stop() }))
  }
})

test('a peer that closes before sending a byte (a client that gave up) is not reported as a swarm key mismatch', async () => {
  const { lines: refused, log, all } = collectingLog(1)
  const node = new Libp2pTransport(await createHost({ listen: LOOPBACK, log }))
  try {
    await node.start()
    const [host, port] = (/\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(node.addresses()[0] as string) ?? []).slice(1) as [string, string]
    /** Opens a connection, sends `bytes`, closes it; returns its local port, which the node's log names. */
    const rawConnection = async (bytes: string): Promise<number> => {
      const socket = tcpConnect(Number(port), host)
      await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
      const localPort = socket.localPort as number
      await new Promise<void>((resolve) => { socket.end(bytes, resolve) })
      return localPort
    }
    const gaveUp = await rawConnection('')
    const otherProtocol = await rawConnection('GET / HTTP/1.1\r\n\r\n')
    await all()
    assert.is(refused.length, 1, refused.join('\n'))
    assert.match(refused[0] as string, new RegExp(`from /ip4/127\\.0\\.0\\.1/tcp/${otherProtocol}: it sent no libp2p handshake`))
    assert.not.match(refused[0] as string, new RegExp(`/tcp/${gaveUp}:`))
  } finally {
    await node.stop()
  }
})

test.run()
