// Ring figures: balance, lookup speed and rebuild time. Run: node --import tsx bench/ring.ts
import { createHash } from 'node:crypto'
import { HashRing } from '../src/ring/hash-ring.js'
import { movedRanges, type RangeMove } from '../src/ring/ring-diff.js'
import { RING_SIZE } from '../src/ring/hash.js'
import { anchorTokens } from '../src/ring/token-allocation.js'
import { VIRTUAL_NODES } from '../src/config/defaults.js'

const LOOKUPS = 1_000_000
const ADD_REPEATS = 7
const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `node-${i}`)
const keys = Array.from({ length: 100_000 }, (_, i) => `user:${i}:profile`)

function ringOf (count: number): HashRing {
  const ring = new HashRing()
  for (const id of ids(count)) ring.addNode(id)
  return ring
}

/** max/mean ownership of the anchors alone (before relaxation): what per-node hashed tokens would give. */
function anchorOnlyRatio (count: number): number {
  const tokens = ids(count).flatMap((id, n) => anchorTokens(id, VIRTUAL_NODES).map((position) => ({ position, n })))
  tokens.sort((a, b) => a.position - b.position || a.n - b.n)
  const shares = new Float64Array(count)
  tokens.forEach((t, k) => { shares[t.n]! += t.position - (k === 0 ? (tokens.at(-1) as { position: number }).position - RING_SIZE : (tokens[k - 1] as { position: number }).position) })
  return Math.max(...shares) / RING_SIZE * count
}

function perSecond (count: number, run: () => void): number {
  const started = performance.now()
  run()
  return count / ((performance.now() - started) / 1000)
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const width = (m: RangeMove): number => (m.start < m.end ? m.end - m.start : RING_SIZE - m.start + m.end) / RING_SIZE

/** Share of the ring whose owner changes when node-0 leaves: its own share (must move) and the rest (relaxation). */
function removalMovement (ring: HashRing): { removedShare: number, otherMoved: number } {
  const after = HashRing.fromJSON(ring.toJSON())
  after.removeNode('node-0')
  const moves = movedRanges(ring, after)
  const sum = (list: RangeMove[]): number => list.reduce((total, m) => total + width(m), 0)
  return { removedShare: sum(moves.filter((m) => m.from[0] === 'node-0')), otherMoved: sum(moves.filter((m) => m.from[0] !== 'node-0')) }
}

const balance: Record<string, { relaxed: number, anchorsOnly: number, buildMs: number, removedShare: number, otherMoved: number }> = {}
for (const count of [3, 10, 100, 1000]) {
  const started = performance.now()
  const ring = ringOf(count)
  const ratio = ring.balance().ratio
  const buildMs = performance.now() - started
  const figures = { relaxed: ratio, anchorsOnly: anchorOnlyRatio(count), buildMs, ...removalMovement(ring) }
  balance[count] = figures
  console.log(`balance max/mean at ${String(count).padStart(4)} nodes x ${VIRTUAL_NODES} vnodes: ${ratio.toFixed(4)} (anchors alone ${figures.anchorsOnly.toFixed(4)}; built in ${buildMs.toFixed(1)} ms)` +
    `; removing a node moves its ${(figures.removedShare * 100).toFixed(2)}% + ${(figures.otherMoved * 100).toFixed(2)}% of the others'`)
}

const big = ringOf(1000)
big.owner('warm-up')
let sink = 0
for (let i = 0; i < 200_000; i++) sink ^= big.position(keys[i % keys.length] as string)
const ownerPerSecond = perSecond(LOOKUPS, () => { for (let i = 0; i < LOOKUPS; i++) sink ^= (big.owner(keys[i % keys.length] as string) as string).length })
const preferencePerSecond = perSecond(LOOKUPS, () => { for (let i = 0; i < LOOKUPS; i++) sink ^= big.preferenceList(keys[i % keys.length] as string, 3).length })
const murmurPerSecond = perSecond(LOOKUPS, () => { for (let i = 0; i < LOOKUPS; i++) sink ^= big.position(keys[i % keys.length] as string) })
const sha1PerSecond = perSecond(LOOKUPS, () => { for (let i = 0; i < LOOKUPS; i++) sink ^= createHash('sha1').update(keys[i % keys.length] as string).digest().readUInt32BE(0) })
console.log(`lookups at 1000 nodes x ${VIRTUAL_NODES} vnodes: owner ${(ownerPerSecond / 1e6).toFixed(2)} M/s, preference list of 3 ${(preferencePerSecond / 1e6).toFixed(2)} M/s`)
console.log(`key hash alone: murmur3 ${(murmurPerSecond / 1e6).toFixed(2)} M/s, node:crypto sha1 ${(sha1PerSecond / 1e6).toFixed(2)} M/s`)

const addMs: number[] = []
for (let i = 0; i < ADD_REPEATS; i++) {
  const started = performance.now()
  big.addNode(`joiner-${i}`)
  big.owner('first lookup after the change rebuilds the layout')
  addMs.push(performance.now() - started)
  big.removeNode(`joiner-${i}`)
  big.owner('rebuild back to 1000 nodes, not timed')
}
console.log(`add a node at 1000 nodes (addNode + rebuild on first lookup): median ${median(addMs).toFixed(1)} ms of ${ADD_REPEATS}`)

console.log(JSON.stringify({
  bench: 'ring',
  vnodes: VIRTUAL_NODES,
  balance,
  lookupsPerSecond: { owner: Math.round(ownerPerSecond), preferenceList3: Math.round(preferencePerSecond) },
  hashPerSecond: { murmur3: Math.round(murmurPerSecond), sha1: Math.round(sha1PerSecond) },
  addNodeAt1000Ms: Number(median(addMs).toFixed(2)),
  sink: sink & 1
}))
