// `dcache batch` lines against a simulated 3-node cluster (ManualClock, so TTLs are exact): Redis's answers, the
// numbered MGET lines and the exit codes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatBatchResult, runBatch, type BatchSummary } from '../../src/cli/batch.js'
import { SimNodes } from '../support/sim-nodes.js'

let sim: SimNodes

test.before(async () => {
  sim = await SimNodes.start({ ids: ['a', 'b', 'c'] })
})

test.after(async () => {
  await sim.stop()
})

/** Runs the lines and returns what batch prints, line by line, and its summary. */
async function batch (lines: string[], json = false): Promise<{ out: string[], summary: BatchSummary }> {
  const client = await sim.client()
  const out: string[] = []
  const summary = await sim.run(runBatch(client, lines, (r) => { out.push(...formatBatchResult(r, json).split('\n')) }))
  return { out, summary }
}

test('the help\'s example: SET a 1, INCR a, GET a print OK, 2, 2 (a decimal string counts, as in Redis)', async () => {
  const { out, summary } = await batch(['SET a 1', 'INCR a', 'GET a'])
  assert.equal(out, ['OK', '2', '2'])
  assert.equal(summary, { ok: 3, failed: 0, exitCode: 0 })
})

test('TTL answers whole seconds, PTTL milliseconds, -1 for a key without expiry, -2 for no key, as Redis does', async () => {
  const client = await sim.client()
  await sim.run(client.put('t', 'v', { ttl: 10 }))
  await sim.run(client.put('forever', 'v', { ttl: 0 }))
  const [seconds, ms] = (await batch(['TTL t', 'PTTL t'])).out.map(Number)
  assert.is(seconds, 10)
  assert.ok(Number.isInteger(ms) && (ms as number) <= 10_000 && (ms as number) > 9_500, String(ms))
  assert.equal((await batch(['TTL forever', 'PTTL forever', 'TTL nothing', 'PTTL nothing'])).out, ['-1', '-1', '-2', '-2'])
})

test('MGET prints one numbered line per key, so a stored "(nil)" is not a miss', async () => {
  const client = await sim.client()
  await sim.run(client.put('bytes', new Uint8Array([0x61, 0x00, 0xff, 0x22])))
  const { out, summary } = await batch(['SET shown (nil)', 'SET n 1', 'INCR n', 'MGET shown n missing bytes'])
  assert.equal(out.slice(3), ['1) "(nil)"', '2) (integer) 2', '3) (nil)', '4) "a\\x00\\xff\\""'])
  assert.is(summary.exitCode, 0)
  const json = await batch(['MGET shown missing'], true)
  assert.equal(JSON.parse(json.out[0] as string), { line: 1, ok: true, result: ['(nil)', null] })
})

test('bad input in a line is exit code 2, naming what was wrong, and the other lines still run', async () => {
  const { out, summary } = await batch(['SET s 007', 'INCR s', 'INCRBY n 1.5', 'FETCH x', 'SET "" v', 'GET s'])
  assert.equal(out, [
    'OK',
    '(error) NOT_INTEGER value of s is not an integer',
    '(error) USAGE wrong arguments; usage: INCRBY key n',
    '(error) USAGE unknown command "FETCH"; known: GET SET PUT DEL EXISTS INCR INCRBY DECR DECRBY GETSET EXPIRE TOUCH TTL PTTL MGET',
    '(error) INVALID_KEY invalid key "": a key must be a non-empty string',
    '007'
  ])
  assert.equal(summary, { ok: 2, failed: 4, exitCode: 2 })
})

test('a cluster failure is exit code 3, even beside bad input', async () => {
  await sim.kill('b')
  await sim.kill('c')
  const { out, summary } = await batch(['FETCH x', 'SET q 1'])
  assert.match(out[0] as string, /^\(error\) USAGE /)
  assert.match(out[1] as string, /^\(error\) (CONSISTENCY|NETWORK|NODE_UNAVAILABLE|TIMEOUT) /)
  assert.equal(summary, { ok: 0, failed: 2, exitCode: 3 })
})

test.run()
