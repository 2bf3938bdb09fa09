// False positives of failure detection on real `dcache node start` processes on 127.0.0.1: how many healthy
// members get suspected or declared dead while the cluster is under load, optionally with one node's event loop
// blocked periodically, with Lifeguard on or off.
// Usage: node --import tsx bench/false-positives.ts [--nodes 5] [--seconds 600] [--block 500/5000] [--no-lifeguard] [--load]
// Needs a build (npm run build). Prints a summary and, last, one JSON line.
import { parseArgs } from 'node:util'
import { LocalCluster } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import { runLoadTest } from '../src/client/load-generator.js'
import type { NodeEvent } from '../src/node/event-log.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '600' },
    block: { type: 'string' },
    'no-lifeguard': { type: 'boolean', default: false },
    load: { type: 'boolean', default: false },
    preset: { type: 'string', default: 'lan' }
  }
})
const NODES = Number(values.nodes)
const SECONDS = Number(values.seconds)
const common = ['--preset', values.preset as string, ...(values['no-lifeguard'] === true ? ['--no-lifeguard'] : [])]

const cluster = await LocalCluster.start({ nodes: NODES, nodeArgs: common })
// The last node is the slow one when --block is given (so the seed stays healthy for joins).
if (values.block !== undefined) {
  const slow = cluster.nodes[cluster.nodes.length - 1] as NonNullable<typeof cluster.nodes[number]>
  await cluster.kill(slow, 'SIGTERM')
  await cluster.startNode(slow.name, { nodeArgs: [...common, '--debug-block-loop', values.block] }, slow.dataDir)
}
const client = await connectClient(cluster.nodes.map((n) => n.address))
try {
  for (;;) {
    const info = await client.getClusterInfo()
    if (info.members.filter((m) => m.state === 'alive').length === NODES) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const startedAt = Date.now()
  process.stderr.write(`watching ${NODES} nodes for ${SECONDS} s${values.load === true ? ' under load' : ''}${values.block === undefined ? '' : `, one node blocked ${values.block} ms`}, lifeguard ${values['no-lifeguard'] === true ? 'off' : 'on'}\n`)
  const load = values.load === true
    ? runLoadTest(client, { test: 'mixed', requests: 100_000_000, concurrency: 20, pipeline: 1, valueBytes: 100, keyspace: 10_000, maxSeconds: SECONDS })
    : new Promise<undefined>((resolve) => setTimeout(() => { resolve(undefined) }, SECONDS * 1000))
  const loadResult = await load

  // Every node's own log: suspicions and deaths it recorded about others since the watch began.
  const counts = { suspect: 0, dead: 0, refuted: 0 }
  const perNode: Record<string, { suspect: number, dead: number }> = {}
  for (const node of cluster.nodes) {
    const view = await connectClient([node.address])
    try {
      const events: NodeEvent[] = (await view.getEvents(0)).filter((e) => e.time >= startedAt)
      const mine = { suspect: 0, dead: 0 }
      for (const e of events) {
        if (e.kind === 'member:suspect') { counts.suspect++; mine.suspect++ }
        if (e.kind === 'member:dead') { counts.dead++; mine.dead++ }
        if (e.kind === 'member:alive') counts.refuted++
      }
      perNode[node.name] = mine
    } finally {
      await view.close()
    }
  }
  const result = {
    nodes: NODES,
    seconds: SECONDS,
    preset: values.preset,
    lifeguard: values['no-lifeguard'] !== true,
    block: values.block ?? null,
    load: loadResult === undefined ? null : { ops: loadResult.requests, opsPerSec: loadResult.opsPerSec, errors: loadResult.errors },
    suspicions: counts.suspect,
    deadDeclarations: counts.dead,
    refutedSuspicions: counts.refuted,
    perNode
  }
  console.log(`suspicions ${counts.suspect}, dead declarations ${counts.dead}, refuted ${counts.refuted} (events logged by all ${NODES} nodes over ${SECONDS} s)`)
  console.log(JSON.stringify(result))
} finally {
  await client.close()
  await cluster.stop()
}
