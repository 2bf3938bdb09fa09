// Cluster administration through the CLI on real `dcache node start` processes (one shared cluster of four):
// `dcache status`, `dcache node forget` of a killed member, and `dcache events --follow` going on from another
// member when its own is killed, then exiting 3 once no member answers.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { DCACHE_BIN, LocalCluster, type LocalNode } from '../../src/cli/local-cluster.js'
import { connectClient } from '../../src/client/connect.js'
import { runCli } from '../support/cli.js'
import { idOf, waitForView } from '../support/cluster-view.js'
import type { ClusterStatus } from '../../src/cli/cluster-status.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'
import type { NodeEvent } from '../../src/node/event-log.js'

const NODE_ARGS = ['--preset', 'local']


type Line = NodeEvent & { from?: { name: string }, to?: { name: string }, error?: { code: string, message: string } }

/** `dcache events --follow --json` as a child process; lines are collected as they come. */
class Follower {
  readonly lines: Line[] = []
  readonly exited: Promise<number | null>
  private stderr = ''
  private waiter: (() => void) | undefined

  constructor (readonly child: ChildProcess) {
    child.stderr?.on('data', (d) => { this.stderr += String(d) })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Line)
      this.waiter?.()
    })
    this.exited = new Promise((resolve) => child.once('exit', (code) => { this.waiter?.(); resolve(code) }))
  }

  /** Resolves with the first line (from `start` on) that `wanted` accepts; rejects after `timeoutMs` or if the follower exits. */
  async until (wanted: (line: Line) => boolean, what: string, start = 0, timeoutMs = 30_000): Promise<Line> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.slice(start).find(wanted)
      if (found !== undefined) return found
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${what} from events --follow (exit ${this.child.exitCode}): ${JSON.stringify(this.lines.map((l) => l.message))} ${this.stderr}`)
      }
      await new Promise<void>((resolve) => {
        this.waiter = resolve
        setTimeout(resolve, 500)
      })
    }
  }

  get errors (): string {
    return this.stderr
  }
}

let cluster: LocalCluster
let client: DistributedCache
let follower: Follower | undefined

test.before(async () => {
  cluster = await LocalCluster.start({ nodes: 4, nodeArgs: NODE_ARGS })
  client = await connectClient(cluster.nodes.slice(1).map((n) => n.address))
  await waitForView(client, (i) => i.members.filter((m) => m.state === 'alive').length === 4 && i.ring.nodes.length === 4, 'four members in the ring')
})

test.after(async () => {
  if (follower !== undefined && follower.child.exitCode === null) {
    follower.child.kill('SIGKILL')
    await follower.exited
  }
  await client?.close()
  await cluster?.stop()
})

test('status shows one row per member with its state, address, load and share of the ring', async () => {
  const seed = cluster.nodes[1] as LocalNode
  const mput = await runCli(['mput', ...[0, 1, 2, 3, 4].map((i) => `status-${i}=v`), '--consistency', 'all', '--node', seed.address])
  assert.is(mput.code, 0, mput.stderr)
  const json = await runCli(['status', '--json', '--node', seed.address])
  assert.is(json.code, 0, json.stderr)
  const status = JSON.parse(json.stdout) as ClusterStatus
  assert.is(status.members.length, 4)
  assert.is(status.replicasPerKey, 3)
  for (const m of status.members) {
    assert.is(m.state, 'alive')
    assert.ok(m.address?.startsWith('/ip4/127.0.0.1/tcp/'), m.address)
    assert.ok(m.load !== undefined && m.load.memoryBudgetBytes > 0)
    assert.ok(m.ownership > 0)
  }
  assert.is(status.members.reduce((sum, m) => sum + (m.load?.keys ?? 0), 0), 15, 'five keys, three copies each')
  assert.ok(Math.abs(status.members.reduce((sum, m) => sum + m.ownership, 0) - 1) < 1e-9)

  const text = await runCli(['status', '--node', seed.address])
  assert.is(text.code, 0, text.stderr)
  assert.match(text.stdout, /state\s+name\s+id\s+address\s+keys\s+mem MB\s+budget MB\s+owns\s+hints\s+rtt/)
  for (const node of cluster.nodes) assert.match(text.stdout, new RegExp(`alive\\s+${node.name}( \\*)?\\s+${idOf(node).slice(-8)}\\s+/ip4/127\\.0\\.0\\.1/`))
  assert.match(text.stdout, /4\/4 alive; 3 replicas per key \(N=3\)/)
})

test('node list shows RTTs as measured, in whole milliseconds', async () => {
  const list = await runCli(['node', 'list', '--node', (cluster.nodes[1] as LocalNode).address])
  assert.is(list.code, 0, list.stderr)
  assert.match(list.stdout, /\brtt\b/)
  assert.match(list.stdout, / (<1|\d+) ms /)
  assert.not.match(list.stdout, /\d\.\d\d\b/, 'no false decimals')
})

test('a killed member is forgotten by name: it leaves every list and ring; live and unknown ones are refused', async () => {
  const [n1, n2, n3, n4] = cluster.nodes as [LocalNode, LocalNode, LocalNode, LocalNode]
  const n4Id = idOf(n4)
  // The follower reads n1, which is killed in the next test.
  follower = new Follower(spawn(process.execPath, [DCACHE_BIN, 'events', '--follow', '--json', '--timeout', '1000', '--node', n1.address], { stdio: ['ignore', 'pipe', 'pipe'] }))
  await follower.until((l) => l.kind === 'ring:change', 'first ring change')

  await cluster.kill(n4, 'SIGKILL')
  await waitForView(client, (i) => i.members.find((m) => m.id === n4Id)?.state === 'dead', 'node-4 to be dead')

  const live = await runCli(['node', 'forget', n3.name, '--node', n2.address])
  assert.is(live.code, 2)
  assert.match(live.stderr, /is alive: only dead or left members can be forgotten; remove a live one with `dcache node remove`/, live.stderr)

  const forget = await runCli(['node', 'forget', 'node-4', '--node', n2.address])
  assert.is(forget.code, 0, forget.stderr)
  assert.match(forget.stdout, new RegExp(`forgot node-4 \\(${n4Id}\\), which was dead`))
  for (const node of [n1, n2, n3]) {
    const view = await connectClient([node.address])
    try {
      await waitForView(view, (i) => !i.members.some((m) => m.id === n4Id) && i.ring.nodes.length === 3, `${node.name} to forget node-4`)
    } finally {
      await view.close()
    }
  }
  await follower.until((l) => l.kind === 'member:forget' && l.member?.id === n4Id, 'the forget')
  const ringChange = await follower.until((l) => l.kind === 'ring:change' && Array.isArray(l.details?.removed) && l.details.removed.includes('node-4'), 'the ring change of the forget')
  assert.match(ringChange.message, /^ring changed \(-node-4\): 3 members; /)

  const again = await runCli(['node', 'forget', n4Id.slice(-8), '--json', '--node', n2.address])
  assert.is(again.code, 1, 'no member matches: exit 1')
  assert.equal(Object.keys(JSON.parse(again.stdout)), ['error'])
  assert.is(JSON.parse(again.stdout).error.code, 'MEMBER_NOT_FOUND')
})

test('events --follow goes on from another member when its own is killed, repeats nothing, and exits 3 when none answers', async () => {
  const [n1, n2, n3] = cluster.nodes as [LocalNode, LocalNode, LocalNode]
  const f = follower as Follower
  const n1Id = idOf(n1)
  const before = f.lines.length
  await cluster.kill(n1, 'SIGKILL')
  const switched = await f.until((l) => l.kind === 'follow:switch', 'a switch of member', before)
  assert.match(switched.message, /^now following node-[23] \(node-1 stopped answering\)$/)
  await f.until((l) => l.kind === 'member:dead' && l.member?.id === n1Id, 'the death of node-1', before)

  // Later events keep coming from the new member.
  const forget = await runCli(['node', 'forget', 'node-1', '--node', n2.address])
  assert.is(forget.code, 0, forget.stderr)
  await f.until((l) => l.kind === 'member:forget' && l.member?.id === n1Id, 'the forget of node-1', before)

  const keys = f.lines.filter((l) => l.member !== undefined).map((l) => `${l.kind}|${l.member?.id}|${l.member?.incarnation}|${l.member?.state}`)
  assert.is(new Set(keys).size, keys.length, 'no event shown twice')

  await cluster.kill(n2, 'SIGKILL')
  await cluster.kill(n3, 'SIGKILL')
  assert.is(await f.exited, 3, f.errors)
  // with --json its failure is the one JSON error object, on stdout after the events
  const failure = f.lines.at(-1)?.error
  assert.is(failure?.code, 'NODE_UNAVAILABLE', f.errors)
  assert.match(failure?.message ?? '', /no member answered for events/)
  assert.is(f.errors, '')
})

test.run()
