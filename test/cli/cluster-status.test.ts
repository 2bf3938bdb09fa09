import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { clusterStatus, formatRtt } from '../../src/cli/cluster-status.js'
import type { ClusterInfo, MemberView } from '../../src/node/protocol.js'
import type { NodeStats } from '../../src/node/stats.js'

test('RTTs are shown as measured: whole milliseconds without decimals, 0 as <1 ms, finer ones below 10 ms with one decimal', () => {
  const cases: Array<[number | undefined, string]> = [[65, '65 ms'], [2, '2 ms'], [0, '<1 ms'], [0.42, '0.4 ms'], [12.25, '12 ms'], [1500, '1.5 s'], [250.4, '250 ms'], [undefined, '-']]
  for (const [ms, shown] of cases) assert.is(formatRtt(ms), shown, String(ms))
})

function member (id: string, name: string, state: MemberView['state'], ownership: number): MemberView {
  return { id, name, addresses: [`/ip4/127.0.0.1/tcp/1/p2p/${id}`], state, incarnation: 0, vnodes: 1, ownership, rttMs: 3 }
}

function stats (id: string, keys: number, pending: number): NodeStats {
  return {
    id,
    engine: { keys, memoryUsedBytes: keys * 100, maxMemoryBytes: 1000 },
    replication: { hints: { pending, delivered: 0, dropped: 0 } }
  } as unknown as NodeStats
}

test('status joins each member of the cluster view with its own statistics; a member that did not answer has no load', () => {
  const info: ClusterInfo = {
    self: 'idA',
    members: [member('idB', 'b', 'alive', 0.5), member('idA', 'a', 'alive', 0.5), member('idC', 'c', 'dead', 0)],
    ring: { scheme: 'x', nodes: [{ id: 'idA', vnodes: 1 }, { id: 'idB', vnodes: 1 }] },
    replicationFactor: 3
  }
  const status = clusterStatus(info, [stats('idA', 4, 0), stats('idB', 4, 2)])
  assert.equal(status.members.map((m) => m.name), ['a', 'b', 'c'], 'sorted by name')
  assert.equal(status.members[1]?.load, { keys: 4, memoryUsedBytes: 400, memoryBudgetBytes: 1000, hintsPending: 2 })
  assert.is(status.members[2]?.load, undefined)
  assert.is(status.members[0]?.address, '/ip4/127.0.0.1/tcp/1/p2p/idA')
  assert.is(status.replicasPerKey, 2, 'N capped by the members in the ring')
})

test.run()
