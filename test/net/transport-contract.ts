// The behaviour every Transport must have, run against each implementation (js-libp2p interface-compliance style).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { AbortError, CacheError, KeyNotFoundError, ProtocolError, TimeoutError } from '../../src/common/errors.js'
import type { Transport } from '../../src/net/transport.js'

export interface TransportCluster {
  /** Three transports that can reach each other. */
  nodes: [Transport, Transport, Transport]
  /** Resolves once `publisher` would reach `n` subscribers of `topic` (gossipsub needs the subscriptions to spread). */
  waitForSubscribers(publisher: Transport, topic: string, n: number): Promise<void>
  stop(): Promise<void>
}

export type TransportFactory = () => Promise<TransportCluster>

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const text = (bytes: Uint8Array): string => decoder.decode(bytes)
/** Bytes as a plain array: implementations may return a Uint8Array subclass (Buffer). */
const bytesOf = (bytes: Uint8Array): number[] => [...bytes]

/** The error `promise` rejects with (fails the test if it resolves). */
async function rejection (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

/** A guard against a hang, not a timing assertion: a lost message fails the test instead of stalling the run. */
const DELIVERY_GUARD_MS = 10_000

/** Collects calls; `done` resolves at the `count`th call (rejects if that never happens). */
function collector<T> (count: number): { calls: T[], push: (v: T) => void, done: Promise<void> } {
  const calls: T[] = []
  let resolve = (): void => {}
  let timer: ReturnType<typeof setTimeout> | undefined
  const done = new Promise<void>((_resolve, reject) => {
    resolve = _resolve
    timer = setTimeout(() => { reject(new Error(`only ${calls.length} of ${count} deliveries: ${JSON.stringify(calls)}`)) }, DELIVERY_GUARD_MS)
  }).finally(() => { clearTimeout(timer) })
  done.catch(() => {})
  return { calls, done, push: (v) => { calls.push(v); if (calls.length >= count) resolve() } }
}

export function describeTransport (name: string, factory: TransportFactory): void {
  const test = suite<{ cluster?: TransportCluster }>(`${name} transport contract`, {})
  test.before.each(async (ctx) => { ctx.cluster = await factory() })
  test.after.each(async (ctx) => { await ctx.cluster?.stop(); ctx.cluster = undefined })
  const nodesOf = (ctx: { cluster?: TransportCluster }): [Transport, Transport, Transport] => {
    if (ctx.cluster === undefined) throw new Error('no cluster')
    return ctx.cluster.nodes
  }

  test('a request gets the handler response, and the handler sees the caller id', async (ctx) => {
    const [client, server] = nodesOf(ctx)
    await server.handle('/test/echo/1', async (from, data) => encoder.encode(`${from}:${text(data)}`))
    const response = await client.request(server.self, '/test/echo/1', encoder.encode('hello'))
    assert.is(text(response), `${client.self}:hello`)
  })

  test('a handler error is rebuilt on the caller as the same class with its message', async (ctx) => {
    const [client, server] = nodesOf(ctx)
    await server.handle('/test/missing/1', async () => { throw new KeyNotFoundError('k1') })
    await server.handle('/test/crash/1', async () => { throw new Error('boom') })
    const missing = await rejection(client.request(server.self, '/test/missing/1', new Uint8Array()))
    assert.instance(missing, KeyNotFoundError)
    assert.is((missing as Error).message, 'key not found: k1')
    const crash = await rejection(client.request(server.self, '/test/crash/1', new Uint8Array()))
    assert.instance(crash, CacheError)
    assert.is((crash as CacheError).code, 'ERR')
    assert.is((crash as Error).message, 'boom')
  })

  test('many concurrent requests each get their own response', async (ctx) => {
    const [client, server, third] = nodesOf(ctx)
    const double = async (_from: string, data: Uint8Array): Promise<Uint8Array> => encoder.encode(text(data) + text(data))
    await server.handle('/test/double/1', double)
    await third.handle('/test/double/1', double)
    const responses = await Promise.all(Array.from({ length: 300 }, async (_, i) =>
      await client.request(i % 2 === 0 ? server.self : third.self, '/test/double/1', encoder.encode(String(i)))))
    responses.forEach((r, i) => { assert.is(text(r), `${i}${i}`) })
  })

  test('an unknown protocol is a ProtocolError', async (ctx) => {
    const [client, server] = nodesOf(ctx)
    const err = await rejection(client.request(server.self, '/test/nope/1', new Uint8Array()))
    assert.instance(err, ProtocolError)
  })

  test('after unhandle the protocol is unknown again', async (ctx) => {
    const [client, server] = nodesOf(ctx)
    await server.handle('/test/once/1', async () => new Uint8Array([1]))
    assert.equal(bytesOf(await client.request(server.self, '/test/once/1', new Uint8Array())), [1])
    await server.unhandle('/test/once/1')
    assert.instance(await rejection(client.request(server.self, '/test/once/1', new Uint8Array())), ProtocolError)
  })

  test('a signal that times out rejects with TimeoutError, a plain abort with AbortError, and the link still works', async (ctx) => {
    const [client, server] = nodesOf(ctx)
    let release = (): void => {}
    const held = new Promise<void>((resolve) => { release = resolve })
    await server.handle('/test/hang/1', async () => { await held; return new Uint8Array([7]) })
    await server.handle('/test/ping/1', async () => new Uint8Array([1]))
    try {
      const timeout = new AbortController()
      const timedOut = client.request(server.self, '/test/hang/1', new Uint8Array(), { signal: timeout.signal })
      timeout.abort(new DOMException('deadline', 'TimeoutError'))
      assert.instance(await rejection(timedOut), TimeoutError)
      const abort = new AbortController()
      const aborted = client.request(server.self, '/test/hang/1', new Uint8Array(), { signal: abort.signal })
      abort.abort()
      assert.instance(await rejection(aborted), AbortError)
      assert.instance(await rejection(client.request(server.self, '/test/hang/1', new Uint8Array(), { signal: AbortSignal.abort() })), AbortError)
    } finally {
      release()
    }
    assert.equal(bytesOf(await client.request(server.self, '/test/ping/1', new Uint8Array())), [1])
  })

  test('publish reaches every subscriber except the sender', async (ctx) => {
    const [publisher, b, c] = nodesOf(ctx)
    const topic = 'test/topic/1'
    const received = collector<string>(2)
    const own: string[] = []
    publisher.subscribe(topic, (from, data) => { own.push(`${from}:${text(data)}`) })
    b.subscribe(topic, (from, data) => { received.push(`b<-${from}:${text(data)}`) })
    c.subscribe(topic, (from, data) => { received.push(`c<-${from}:${text(data)}`) })
    await ctx.cluster?.waitForSubscribers(publisher, topic, 2)
    await publisher.publish(topic, encoder.encode('m1'))
    await received.done
    assert.equal(received.calls.sort(), [`b<-${publisher.self}:m1`, `c<-${publisher.self}:m1`])
    assert.equal(own, [])
  })

  test('an unsubscribed handler gets nothing more', async (ctx) => {
    const [publisher, b, c] = nodesOf(ctx)
    const topic = 'test/topic/2'
    const onB = collector<string>(1)
    const onC = collector<string>(2)
    const unsubscribe = b.subscribe(topic, (_from, data) => { onB.push(text(data)) })
    c.subscribe(topic, (_from, data) => { onC.push(text(data)) })
    await ctx.cluster?.waitForSubscribers(publisher, topic, 2)
    await publisher.publish(topic, encoder.encode('m1'))
    await onB.done
    unsubscribe()
    await publisher.publish(topic, encoder.encode('m2'))
    await onC.done
    assert.equal(onC.calls, ['m1', 'm2'])
    assert.equal(onB.calls, ['m1'])
  })

  test('connect to a node address returns that node id', async (ctx) => {
    const [a, b] = nodesOf(ctx)
    const addr = b.addresses()[0]
    assert.ok(addr !== undefined)
    assert.is(await a.connect(addr), b.self)
  })

  test.run()
}
