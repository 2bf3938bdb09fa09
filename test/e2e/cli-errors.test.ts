// How the CLI fails: one line on stderr, or exactly {"error":{"code","message"}} on stdout with --json, the exit code of
// the error's class; --node before the arguments and as HOST:PORT; remembered members when the default contact is down.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LocalFailureError } from '../../src/common/errors.js'
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js'
import { ringsConverged, startRealCluster, waitForMembership, type RealCluster } from '../support/real-cluster.js'
import { runCli, type CliResult } from '../support/cli.js'

const EXPECTED_FORM = '(expected HOST:PORT or /ip4/HOST/tcp/PORT[/p2p/ID])'

let cluster: RealCluster
/** Each node's first address as HOST:PORT. */
let hostPorts: string[]

test.before(async () => {
  cluster = await startRealCluster(3)
  await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
  hostPorts = cluster.nodes.map((n) => {
    const [, host, port] = /^\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(n.addresses[0] as string) ?? []
    return `${host}:${port}`
  })
  const client = await cluster.client()
  await client.put('word', 'not a number', { ttl: 0 })
})

test.after(async () => {
  await cluster.stop()
})

/** The one JSON error object a --json failure prints, after checking that stdout holds it alone on one line. */
function jsonError (r: CliResult): { code: string, message: string } {
  assert.match(r.stdout, /^\{[^\n]*\}\n$/, `one line of JSON on stdout: ${r.stdout}`)
  const parsed = JSON.parse(r.stdout) as { error: { code: string, message: string } }
  assert.equal(Object.keys(parsed), ['error'])
  assert.equal(Object.keys(parsed.error).sort(), ['code', 'message'])
  assert.is(r.stderr, '')
  return parsed.error
}

/** The single line a failure prints on stderr, after checking that it printed nothing else. */
function errorLine (r: CliResult): string {
  assert.is(r.stdout, '')
  assert.match(r.stderr, /^[^\n]+\n$/, `one line on stderr: ${r.stderr}`)
  return r.stderr.trimEnd()
}

test('with --json, usage errors are exactly {"error":{"code":"USAGE","message"}} on stdout, and nothing else', async () => {
  const bogus = await runCli(['get', 'a', '--bogus', '--json'])
  assert.is(bogus.code, EXIT.USAGE)
  assert.equal(jsonError(bogus), { code: 'USAGE', message: 'unknown flag: --bogus' })
  const missing = await runCli(['get', '--json'])
  assert.is(missing.code, EXIT.USAGE)
  assert.equal(jsonError(missing), { code: 'USAGE', message: 'missing argument: key' })
  // oclif writes "Parsing --by \n\t…" into this one: the message comes out on one line
  const badValue = await runCli(['incr', 'a', '--by', '1.5', '--json'])
  assert.is(badValue.code, EXIT.USAGE)
  assert.equal(jsonError(badValue), { code: 'USAGE', message: '--by: expected an integer but received: 1.5' })
  // `events` has a --json flag of its own (a JSON line per event): its failures are JSON too
  const events = await runCli(['events', '--bogus', '--json'])
  assert.is(events.code, EXIT.USAGE)
  assert.equal(jsonError(events), { code: 'USAGE', message: 'unknown flag: --bogus' })
})

test('without --json, a usage error is one line on stderr pointing to the command\'s help, not the help itself', async () => {
  const bogus = await runCli(['get', 'a', '--bogus'])
  assert.is(bogus.code, EXIT.USAGE)
  assert.is(errorLine(bogus), 'unknown flag: --bogus; see dcache get --help')
})

test('an error from the cluster keeps its code, names the key and the node, in one line or as JSON', async () => {
  const text = await runCli(['incr', 'word', '--node', hostPorts[0] as string])
  assert.is(text.code, EXIT.USAGE)
  assert.match(errorLine(text), /^value of word is not an integer \(node node-\d \S{8}\)$/)
  const json = await runCli(['incr', 'word', '--json', '--node', hostPorts[1] as string])
  assert.is(json.code, EXIT.USAGE)
  const error = jsonError(json)
  assert.is(error.code, 'NOT_INTEGER')
  assert.match(error.message, /word .*\(node node-\d \S{8}\)$/)
})

test('an unexpected local failure exits 4, code ERR', async () => {
  const r = await runCli(['keygen', join(cluster.baseDir, 'no', 'such', 'dir', 'swarm.key'), '--json'])
  assert.is(r.code, EXIT.FAILED)
  const error = jsonError(r)
  assert.is(error.code, 'ERR')
  assert.match(error.message, /^ENOENT: no such file or directory/)
})

test('a taken listen port (LocalFailureError, code LOCAL) is a local failure: exit 4', () => {
  assert.is(exitCodeFor(new LocalFailureError('cannot listen on /ip4/127.0.0.1/tcp/7700: listen EADDRINUSE')), EXIT.FAILED)
})

test('--node works before the arguments, as HOST:PORT or a multiaddr without its id, repeated or comma-separated', async () => {
  const withoutId = (cluster.nodes[2]?.addresses[0] as string).replace(/\/p2p\/.*$/, '')
  const put = await runCli(['put', '--node', hostPorts[0] as string, 'early', 'bird'])
  assert.is(put.code, 0, put.stderr)
  // a closed port first: the next address is the fallback
  const get = await runCli(['get', '--node', '127.0.0.1:1', '--node', withoutId, 'early'])
  assert.is(get.stdout, 'bird\n', get.stderr)
  const del = await runCli(['del', '--node', `127.0.0.1:1,${hostPorts[1] as string}`, 'early', 'never-stored'])
  assert.is(del.stdout, '1\n', del.stderr)
})

test('a malformed --node or DCACHE_NODE exits 2 with one line showing the expected form, before any network work', async () => {
  for (const bad of ['garbage', '/ip4/127.0.0.1/tcp/notaport', '/ip4/127.0.0.1/tcp/7700/p2p/garbage']) {
    // a reachable node listed first would answer if anything were dialled before the check
    const r = await runCli(['get', 'a', '--node', `${hostPorts[0] as string},${bad}`])
    assert.is(r.code, EXIT.USAGE, bad)
    assert.is(errorLine(r), `not a node address: ${bad} ${EXPECTED_FORM}`)
  }
  const env = await runCli(['get', 'a', '--json'], { env: { DCACHE_NODE: 'garbage' } })
  assert.is(env.code, EXIT.USAGE)
  assert.equal(jsonError(env), { code: 'CONFIG', message: `not a node address: garbage ${EXPECTED_FORM}` })
})

test('--swarm-key naming a file that is not a swarm key, or no file, exits 2 naming the file', async () => {
  const notAKey = join(cluster.baseDir, 'not-a-key.txt')
  await writeFile(notAKey, 'hello\n')
  const wrong = await runCli(['get', 'a', '--swarm-key', notAKey, '--node', hostPorts[0] as string])
  assert.is(wrong.code, EXIT.USAGE)
  assert.match(errorLine(wrong), new RegExp(`^${notAKey} is not a swarm key `))
  const missing = join(cluster.baseDir, 'nope.key')
  const absent = await runCli(['get', 'a', '--swarm-key', missing, '--node', hostPorts[0] as string])
  assert.is(absent.code, EXIT.USAGE)
  assert.match(errorLine(absent), new RegExp(`^cannot read swarm key file ${missing}: ENOENT`))
})

test('a --timeout that expires is TIMEOUT, exit 3', async () => {
  const r = await runCli(['get', 'a', '--timeout', '1', '--json', '--node', hostPorts[0] as string])
  assert.is(r.code, EXIT.CLUSTER)
  const error = jsonError(r)
  assert.is(error.code, 'TIMEOUT')
  assert.is(error.message, `no answer within 1 ms from /ip4/${(hostPorts[0] as string).replace(':', '/tcp/')}`)
})

test('an unknown command suggests the closest one', async () => {
  const text = await runCli(['gte', 'a'])
  assert.is(text.code, EXIT.USAGE)
  assert.is(errorLine(text), 'unknown command gte; did you mean get?')
  const json = await runCli(['node', 'lsit', '--json'])
  assert.is(json.code, EXIT.USAGE)
  assert.equal(jsonError(json), { code: 'USAGE', message: 'unknown command node lsit; did you mean node list?' })
})

// Last: it stops the first node.
test('a client remembers the members it learned, and finds them when the default node.addr contact is down', async () => {
  const first = cluster.nodes[0]
  assert.ok(first !== undefined)
  const dataDir = join(cluster.baseDir, 'node-1')
  const env = { DCACHE_DATA_DIR: dataDir }
  const put = await runCli(['put', 'remembered', 'yes'], { env })
  assert.is(put.code, 0, put.stderr)
  const remembered = await readFile(join(dataDir, 'members.addr'), 'utf8')
  for (const n of cluster.nodes) assert.ok(remembered.includes(`/p2p/${n.node.id}`), `${n.node.id} in ${remembered}`)

  cluster.nodes.splice(0, 1)
  await first.stop()
  const get = await runCli(['get', 'remembered'], { env })
  assert.is(get.code, 0, get.stderr)
  assert.is(get.stdout, 'yes\n')
  // a node named explicitly is not second-guessed with remembered ones
  const named = await runCli(['get', 'remembered', '--node', first.addresses[0] as string], { env })
  assert.is(named.code, EXIT.CLUSTER)
  assert.match(errorLine(named), new RegExp(`^cannot reach ${first.addresses[0] as string}: `))
})

test.run()
