// Failure detection and join convergence on real `dcache node start` processes on 127.0.0.1.
// Usage: node --import tsx bench/membership-real.ts [--nodes 5] [--trials 30] [--joins 20] [--preset lan]
// Needs a build (npm run build). Prints a table and, last, one JSON line.
import { parseArgs } from 'node:util'
import { LocalCluster, type LocalNode } from '../src/cli/local-cluster.js'
import { connectClient } from '../src/client/connect.js'
import type { DistributedCache } from '../src/client/distributed-cache.js'
import type { NodeEvent } from '../src/node/event-log.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5' },
    trials: { type: 'string', default: '30' },
    joins: { type: 'string', default: '20' },
    preset: { type: 'string', default: 'lan' }
  }
})
const NODES = Number(values.nodes)
const TRIALS = Number(values.trials)
const JOINS = Number(values.joins)
const NODE_ARGS = ['--preset', values.preset as string]
/** A trial that has not converged after this long is counted as a miss. */
const TRIAL_TIMEOUT_MS = 30_000
const POLL_MS = 50

interface Observer { node: LocalNode, client: DistributedCache, since: number }

async function observe (node: LocalNode): Promise<Observer> {
  return { node, client: await connectClient([node.address]), since: 0 }
}

/** New events of one observer's own node (its own log: the client stays on that node). */
async function newEvents (o: Observer): Promise<NodeEvent[]> {
  const events = await o.client.getEvents(o.since)
  if (events.length > 0) o.since = (events[events.length - 1] as NodeEvent).seq
  return events
}

function idOf (node: LocalNode): string {
  return node.address.split('/p2p/')[1] as string
}

/**
 * Polls every observer until each has logged one of `kinds` about `id`. Returns, per observer, every event about
 * `id` it logged meanwhile (so suspicions before a death are kept), or undefined after TRIAL_TIMEOUT_MS.
 */
async function collectUntil (observers: Observer[], id: string, kinds: string[], startedAt: number): Promise<NodeEvent[][] | undefined> {
  const logs = new Map<Observer, NodeEvent[]>(observers.map((o) => [o, []]))
  const done = (o: Observer): boolean => (logs.get(o) as NodeEvent[]).some((e) => kinds.includes(e.kind))
  while (!observers.every(done)) {
    if (Date.now() - startedAt > TRIAL_TIMEOUT_MS) return undefined
    await Promise.all(observers.filter((o) => !done(o)).map(async (o) => {
      for (const e of await newEvents(o)) if (e.member?.id === id) logs.get(o)?.push(e)
    }))
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  return observers.map((o) => logs.get(o) as NodeEvent[])
}

/** Per observer, the time of its first event of one of `kinds`. */
function firstTimes (logs: NodeEvent[][], kinds: string[]): number[] {
  return logs.flatMap((log) => log.filter((e) => kinds.includes(e.kind)).slice(0, 1).map((e) => e.time))
}

function percentile (xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

function summary (xs: number[]): { n: number, p50: number, p99: number, max: number } {
  return { n: xs.length, p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), max: Math.max(...xs) }
}

const cluster = await LocalCluster.start({ nodes: NODES, nodeArgs: NODE_ARGS })
const observers: Observer[] = []
try {
  for (const node of cluster.nodes) observers.push(await observe(node))
  // Wait until everyone sees everyone before the first trial.
  for (const o of observers) {
    for (;;) {
      const info = await o.client.getClusterInfo()
      if (info.members.filter((m) => m.state === 'alive').length === NODES) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  const detection: number[] = []
  const firstSuspicion: number[] = []
  const rejoin: number[] = []
  let missed = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    // Never the first node: it is the seed every restart joins through.
    const victimIndex = 1 + (trial % (NODES - 1))
    const victim = cluster.nodes[victimIndex] as LocalNode
    const victimId = idOf(victim)
    const survivors = observers.filter((o) => o.node !== victim)
    const dropped = observers.find((o) => o.node === victim) as Observer
    for (const o of survivors) await newEvents(o) // skip older events
    const killedAt = Date.now()
    await cluster.kill(victim, 'SIGKILL')
    const logs = await collectUntil(survivors, victimId, ['member:dead'], killedAt)
    if (logs === undefined) missed++
    else {
      detection.push(Math.max(...firstTimes(logs, ['member:dead'])) - killedAt)
      const suspected = firstTimes(logs, ['member:suspect'])
      if (suspected.length > 0) firstSuspicion.push(Math.min(...suspected) - killedAt)
    }

    await dropped.client.close()
    const restartedAt = Date.now()
    const again = await cluster.startNode(victim.name, { nodeArgs: NODE_ARGS }, victim.dataDir)
    cluster.nodes.splice(cluster.nodes.indexOf(again), 1)
    cluster.nodes.splice(victimIndex, 0, again)
    const back = await collectUntil(survivors, victimId, ['member:join', 'member:alive'], restartedAt)
    if (back !== undefined) rejoin.push(Math.max(...firstTimes(back, ['member:join', 'member:alive'])) - restartedAt)
    observers.splice(observers.indexOf(dropped), 1, await observe(again))
    process.stderr.write(`\rtrial ${trial + 1}/${TRIALS}: dead everywhere after ${detection[detection.length - 1] ?? 'n/a'} ms   `)
  }
  process.stderr.write('\n')

  // Join convergence: fresh nodes join; time until every member (old and new) sees the newcomer alive.
  const joins: number[] = []
  for (let j = 0; j < JOINS; j++) {
    const startedAt = Date.now()
    const fresh = await cluster.startNode(`joiner-${j + 1}`, { nodeArgs: NODE_ARGS })
    const seen = await collectUntil(observers, idOf(fresh), ['member:join'], startedAt)
    if (seen !== undefined) joins.push(Math.max(...firstTimes(seen, ['member:join'])) - startedAt)
    await cluster.kill(fresh, 'SIGTERM') // a graceful leave keeps the next join's cluster the same size
    for (const o of observers) await newEvents(o)
    process.stderr.write(`\rjoin ${j + 1}/${JOINS}   `)
  }
  process.stderr.write('\n')

  const result = {
    nodes: NODES,
    preset: values.preset,
    trials: TRIALS,
    missed,
    detectionMs: summary(detection),
    firstSuspicionMs: summary(firstSuspicion),
    rejoinMs: summary(rejoin),
    joinConvergenceMs: summary(joins)
  }
  console.log(`N=${NODES} (${values.preset} preset), ${TRIALS} kill -9 trials, ${JOINS} joins`)
  console.log(`${'measure'.padEnd(36)}${'n'.padStart(3)}  ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`)
  for (const [label, s] of [['kill -9 -> dead on every survivor', result.detectionMs], ['kill -9 -> first suspicion', result.firstSuspicionMs],
    ['restart -> alive on every member', result.rejoinMs], ['join -> seen by every member', result.joinConvergenceMs]] as const) {
    if (s.n === 0) continue
    console.log(`${label.padEnd(36)}${String(s.n).padStart(3)}  ${String(s.p50).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)}`)
  }
  console.log(JSON.stringify(result))
} finally {
  await Promise.allSettled(observers.map(async (o) => { await o.client.close() }))
  await cluster.stop()
}
