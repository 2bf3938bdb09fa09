// Failure detection and membership changes on real `dcache node start` processes (local preset timings).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { DCACHE_BIN, LocalCluster, type LocalNode } from '../../src/cli/local-cluster.js'
import { connectClient } from '../../src/client/connect.js'
import { runCli } from '../support/cli.js'
import { idOf, waitForView } from '../support/cluster-view.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'
import type { ClusterInfo } from '../../src/node/protocol.js'
import type { NodeEvent } from '../../src/node/event-log.js'

const NODE_ARGS = ['--preset', 'local']


/**
 * `dcache events --follow --json` against `node`, read line by line until a wanted event shows (or `timeoutMs`
 * passes); then stopped.
 */
function followEvents (node: LocalNode, timeoutMs = 30_000): { until: (wanted: (e: NodeEvent) => boolean) => Promise<NodeEvent[]> } {
  const child = spawn(process.execPath, [DCACHE_BIN, 'events', '--follow', '--json', '--node', node.address], { stdio: ['ignore', 'pipe', 'pipe'] })
  const seen: NodeEvent[] = []
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += String(d) })
  // The iterator is taken at once: readline drops lines emitted before an async iterator is attached.
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  return {
    until: async (wanted) => {
      const timer = setTimeout(() => { child.kill('SIGTERM') }, timeoutMs)
      try {
        for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
          const event = JSON.parse(next.value) as NodeEvent
          seen.push(event)
          if (wanted(event)) return seen
        }
        throw new Error(`events --follow ended (exit ${child.exitCode}) or timed out without the event: ${JSON.stringify(seen)} ${stderr}`)
      } finally {
        clearTimeout(timer)
        child.kill('SIGTERM')
      }
    }
  }
}

const stateOf = (info: ClusterInfo, id: string): string | undefined => info.members.find((m) => m.id === id)?.state

test('kill -9 of one of five: every survivor marks it dead, data keeps working, and a restart brings it back', async () => {
  const cluster = await LocalCluster.start({ nodes: 5, nodeArgs: NODE_ARGS })
  const clients: DistributedCache[] = []
  try {
    for (const node of cluster.nodes) clients.push(await connectClient([node.address]))
    for (const c of clients) await waitForView(c, (i) => i.members.filter((m) => m.state === 'alive').length === 5, 'five alive members')

    const victim = cluster.nodes[3] as LocalNode
    const victimId = idOf(victim)
    await (clients[3] as DistributedCache).close()
    clients.splice(3, 1)
    const follower = followEvents(cluster.nodes[0] as LocalNode)
    await cluster.kill(victim, 'SIGKILL')
    for (const c of clients) {
      const info = await waitForView(c, (i) => stateOf(i, victimId) === 'dead', 'the killed node to be dead')
      assert.ok(info.ring.nodes.some((n) => n.id === victimId), 'a dead member keeps its ranges (fallbacks stand in for it)')
    }

    // A member may hear of the death before it suspects the victim itself, so only the death is certain here.
    const followed = await follower.until((e) => e.kind === 'member:dead' && e.member?.id === victimId)
    assert.is(followed.at(-1)?.member?.state, 'dead')
    const history = await runCli(['events', '--json', '--node', (cluster.nodes[1] as LocalNode).address])
    const logged = history.stdout.trim().split('\n').map((l) => JSON.parse(l) as NodeEvent)
    assert.ok(logged.some((e) => e.kind === 'member:dead' && e.member?.id === victimId), 'dcache events lists the death')

    // Data commands keep working through every survivor (fallbacks stand in for the dead member's share).
    for (const [i, node] of cluster.nodes.entries()) {
      const put = await runCli(['put', `after-death-${i}`, 'ok', '--node', node.address])
      assert.is(put.code, 0, put.stderr)
      const get = await runCli(['get', `after-death-${i}`, '--node', cluster.nodes[(i + 1) % cluster.nodes.length]?.address as string])
      assert.is(get.stdout, 'ok\n')
    }

    const again = await cluster.startNode(victim.name, { nodeArgs: NODE_ARGS }, victim.dataDir)
    assert.is(idOf(again), victimId, 'same PeerId from the same data dir')
    for (const c of clients) await waitForView(c, (i) => stateOf(i, victimId) === 'alive' && i.ring.nodes.length === 5, 'the restarted node to be alive')
  } finally {
    await Promise.allSettled(clients.map(async (c) => { await c.close() }))
    await cluster.stop()
  }
})

test('node add brings a lone node in; node remove makes a member leave and exit; bad removals are refused', async () => {
  const cluster = await LocalCluster.start({ nodes: 2, nodeArgs: NODE_ARGS })
  let client: DistributedCache | undefined
  try {
    // A node started on its own (no --join) is a cluster of one until someone adds it.
    const lone = await cluster.startNode('lone', { nodeArgs: NODE_ARGS, join: false })
    const loneId = idOf(lone)
    const seed = cluster.nodes[0] as LocalNode
    const loneView = await connectClient([lone.address])
    try {
      assert.is((await loneView.getClusterInfo()).members.length, 1)
    } finally {
      await loneView.close()
    }

    const add = await runCli(['node', 'add', lone.address, '--json', '--node', seed.address])
    assert.is(add.code, 0, add.stderr)
    assert.is(JSON.parse(add.stdout).added, loneId)
    client = await connectClient(cluster.nodes.map((n) => n.address))
    for (const node of cluster.nodes) {
      const view = await connectClient([node.address])
      try {
        await waitForView(view, (i) => i.members.filter((m) => m.state === 'alive').length === 3, `${node.name} to see three members`)
      } finally {
        await view.close()
      }
    }

    const unknown = await runCli(['node', 'remove', '12D3KooWQqf8ueg4dYgPDMwxFWKRtBTHLFXZbYgEkdCiEXxFEy1Z', '--node', seed.address])
    assert.is(unknown.code, 1, 'no member matches: exit 1')
    assert.match(unknown.stderr, /no member matches "12D3KooWQqf8ueg4dYgPDMwxFWKRtBTHLFXZbYgEkdCiEXxFEy1Z"/)

    const exited = new Promise<number | null>((resolve) => lone.process.once('exit', resolve))
    const remove = await runCli(['node', 'remove', loneId, '--node', seed.address])
    assert.is(remove.code, 0, remove.stderr)
    assert.match(remove.stdout, /no hand-off/)
    const timeout = new Promise<string>((resolve) => { setTimeout(() => { resolve('still running after 30 s') }, 30_000).unref() })
    assert.is(await Promise.race([exited, timeout]), 0, 'the removed node exits by itself')
    await waitForView(client, (i) => stateOf(i, loneId) === 'left' && i.ring.nodes.length === 2, 'the removed node to be left')
  } finally {
    await client?.close()
    await cluster.stop()
  }
})

test('removing the last member is refused', async () => {
  const cluster = await LocalCluster.start({ nodes: 1, nodeArgs: NODE_ARGS })
  try {
    const only = cluster.nodes[0] as LocalNode
    const r = await runCli(['node', 'remove', idOf(only), '--node', only.address])
    assert.is(r.code, 2)
    assert.match(r.stderr, /last member/)
  } finally {
    await cluster.stop()
  }
})

test.run()
