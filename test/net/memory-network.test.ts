import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AbortError, NetworkError, TimeoutError } from '../../src/common/errors.js'
import { seededRandom } from '../../src/common/random.js'
import { MemoryNetwork, type MemoryNetworkInit } from '../../src/net/memory/index.js'
import { ManualClock } from '../support/manual-clock.js'

const LATENCY_MS = 10
const REQUEST_TIMEOUT_MS = 1000

function setup (init: Partial<MemoryNetworkInit> = {}): { clock: ManualClock, network: MemoryNetwork } {
  const clock = new ManualClock()
  const network = new MemoryNetwork({ clock, random: seededRandom(42), latencyMs: LATENCY_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...init })
  return { clock, network }
}

/** Records how a promise settled without awaiting it, so a test can advance the clock step by step. */
function track<T> (promise: Promise<T>): { state: 'pending' | 'resolved' | 'rejected', value?: T, error?: unknown } {
  const result: { state: 'pending' | 'resolved' | 'rejected', value?: T, error?: unknown } = { state: 'pending' }
  promise.then((value) => { result.state = 'resolved'; result.value = value }, (error: unknown) => { result.state = 'rejected'; result.error = error })
  return result
}

const echo = async (_from: string, data: Uint8Array): Promise<Uint8Array> => data

test('a request takes one latency each way on the clock', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  await b.handle('/echo', echo)
  const call = track(a.request('b', '/echo', new Uint8Array([1])))
  await clock.advance(LATENCY_MS * 2 - 1)
  assert.is(call.state, 'pending')
  await clock.advance(1)
  assert.is(call.state, 'resolved')
  assert.equal(call.value, new Uint8Array([1]))
  assert.is(clock.pending, 0)
})

test('a request across a partition is silence until the network request timeout', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  await b.handle('/echo', echo)
  network.partition(['a'], ['b'])
  const call = track(a.request('b', '/echo', new Uint8Array()))
  await clock.advance(REQUEST_TIMEOUT_MS - 1)
  assert.is(call.state, 'pending')
  await clock.advance(1)
  assert.instance(call.error, TimeoutError)
})

test('the caller signal decides before the network timeout', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  network.createTransport('b')
  network.isolate('b')
  const controller = new AbortController()
  const call = track(a.request('b', '/echo', new Uint8Array(), { signal: controller.signal }))
  await clock.advance(100)
  controller.abort()
  await clock.advance(0)
  assert.instance(call.error, AbortError)
  assert.is(clock.pending, 0)
})

test('a shorter timeoutMs decides before the network timeout, a longer one is capped at it', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  network.createTransport('b')
  network.isolate('b')
  const short = track(a.request('b', '/echo', new Uint8Array(), { timeoutMs: 100 }))
  const long = track(a.request('b', '/echo', new Uint8Array(), { timeoutMs: REQUEST_TIMEOUT_MS * 10 }))
  await clock.advance(100)
  assert.is(short.state, 'rejected')
  assert.instance(short.error, TimeoutError)
  assert.is(long.state, 'pending')
  await clock.advance(REQUEST_TIMEOUT_MS - 100)
  assert.instance(long.error, TimeoutError)
})

test('heal restores partitioned and isolated links', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  network.createTransport('c')
  network.partition('a', ['b', 'c'])
  network.isolate('c')
  assert.not.ok(network.reachable('a', 'b'))
  assert.not.ok(network.reachable('b', 'a'))
  assert.not.ok(network.reachable('b', 'c'))
  network.heal()
  assert.ok(network.reachable('a', 'b') && network.reachable('b', 'c'))
  await b.handle('/echo', echo)
  const call = track(a.request('b', '/echo', new Uint8Array([2])))
  await clock.advance(LATENCY_MS * 2)
  assert.equal(call.value, new Uint8Array([2]))
})

test('a partition made while a response is in flight swallows the response', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  await b.handle('/echo', echo)
  const call = track(a.request('b', '/echo', new Uint8Array()))
  await clock.advance(LATENCY_MS)
  network.partition('a', 'b')
  await clock.advance(REQUEST_TIMEOUT_MS)
  assert.instance(call.error, TimeoutError)
})

test('a request to a removed node fails with NetworkError, and so do requests in flight to it', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  await b.handle('/hang', async () => await new Promise<Uint8Array>(() => {}))
  const inFlight = track(a.request('b', '/hang', new Uint8Array()))
  await clock.advance(LATENCY_MS)
  network.remove('b')
  await clock.advance(0)
  assert.instance(inFlight.error, NetworkError)
  const later = track(a.request('b', '/hang', new Uint8Array()))
  await clock.advance(LATENCY_MS)
  assert.instance(later.error, NetworkError)
  assert.is(clock.pending, 0)
})

test('a removed node can come back as a new process with the same id', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  network.createTransport('b')
  network.remove('b')
  const b2 = network.createTransport('b')
  await b2.handle('/echo', echo)
  const call = track(a.request('b', '/echo', new Uint8Array([3])))
  await clock.advance(LATENCY_MS * 2)
  assert.equal(call.value, new Uint8Array([3]))
})

test('publish reaches reachable subscribers after the latency, not the sender or a partitioned node', async () => {
  const { clock, network } = setup()
  const received: string[] = []
  for (const id of ['a', 'b', 'c', 'd']) {
    network.createTransport(id).subscribe('t', (from) => { received.push(`${id}<-${from}`) })
  }
  network.partition('a', 'd')
  await network.transportOf('a')?.publish('t', new Uint8Array())
  await clock.advance(LATENCY_MS - 1)
  assert.equal(received, [])
  await clock.advance(1)
  assert.equal(received, ['b<-a', 'c<-a'])
})

test('with latency 0 delivery is asynchronous but needs no clock advance', async () => {
  const { network } = setup({ latencyMs: 0 })
  const a = network.createTransport('a')
  const b = network.createTransport('b')
  await b.handle('/echo', echo)
  let delivered = false
  b.subscribe('t', () => { delivered = true })
  const published = a.publish('t', new Uint8Array())
  assert.not.ok(delivered)
  await published
  assert.equal(await a.request('b', '/echo', new Uint8Array([4])), new Uint8Array([4]))
  assert.ok(delivered)
})

async function deliveredUnderDrops (seed: number): Promise<string[]> {
  const { clock, network } = setup({ random: seededRandom(seed), dropRate: 0.3 })
  const delivered: string[] = []
  const a = network.createTransport('a')
  for (const id of ['b', 'c', 'd']) network.createTransport(id).subscribe('t', (_from, data) => { delivered.push(`${id}:${data[0]}`) })
  for (let i = 0; i < 20; i++) await a.publish('t', new Uint8Array([i]))
  await clock.advance(LATENCY_MS)
  return delivered
}

test('drops follow the seeded Random, so a run repeats exactly', async () => {
  const first = await deliveredUnderDrops(7)
  assert.equal(await deliveredUnderDrops(7), first)
  assert.ok(first.length > 0 && first.length < 60, `some but not all of 60 deliveries dropped (${first.length})`)
  assert.not.equal(await deliveredUnderDrops(8), first)
})

test('connect resolves to the id at that address and fails for an unknown one', async () => {
  const { clock, network } = setup()
  const a = network.createTransport('a')
  network.createTransport('b')
  const ok = track(a.connect('b'))
  const unknown = track(a.connect('zz'))
  await clock.advance(LATENCY_MS)
  assert.is(ok.value, 'b')
  assert.instance(unknown.error, NetworkError)
  assert.equal(a.addresses(), ['a'])
})

test('creating a node twice is refused', () => {
  const { network } = setup()
  network.createTransport('a')
  assert.throws(() => network.createTransport('a'))
})

test.run()
