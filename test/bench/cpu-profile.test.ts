// bench/cpu-profile.ts: self time per function and per package or file from a .cpuprofile.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { groupOf, shortSource, summarizeProfile, type CallFrame, type CpuProfile } from '../../bench/cpu-profile.js'

const frame = (functionName: string, url = '', lineNumber = -1): CallFrame => ({ functionName, url, lineNumber, columnNumber: 0 })

test('each sample lasts until the next one, the last until the end; one function reached twice adds up', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('encode', 'file:///app/node_modules/msgpackr/pack.js', 9) },
      { id: 4, callFrame: frame('encode', 'file:///app/node_modules/msgpackr/pack.js', 9) },
      { id: 5, callFrame: frame('(garbage collector)') },
      { id: 6, callFrame: frame('', 'file:///app/src/net/codec.ts', 41) }
    ],
    startTime: 0,
    endTime: 10_000,
    // samples at 1000, 2000, 5000, 6000, 9000 us: they last 1000, 3000, 1000, 3000, 1000 us
    samples: [2, 3, 4, 5, 6],
    timeDeltas: [1000, 1000, 3000, 1000, 3000]
  }
  const s = summarizeProfile(profile, (f) => ({ source: f.url.replace('file://', ''), line: f.lineNumber + 1 }))
  assert.equal([s.totalMs, s.idleMs, s.gcMs], [10, 1, 3])
  assert.equal(s.functions.map((f) => [f.name, f.location, f.group, f.selfMs]), [
    ['encode', 'msgpackr/pack.js:10', 'msgpackr', 4],
    ['(garbage collector)', '', '(garbage collector)', 3],
    ['(anonymous)', 'src/net/codec.ts:42', 'src/net/codec.ts', 1]
  ])
  assert.equal(s.groups, [{ group: 'msgpackr', selfMs: 4 }, { group: '(garbage collector)', selfMs: 3 }, { group: 'src/net/codec.ts', selfMs: 1 }])
})

test('groups are the innermost package with its scope, a src/ file, or a node: module by its first two parts', () => {
  assert.is(groupOf('/w/node_modules/@chainsafe/libp2p-noise/dist/src/crypto.js'), '@chainsafe/libp2p-noise')
  assert.is(groupOf('/w/node_modules/a/node_modules/uint8arraylist/dist/src/index.js'), 'uint8arraylist')
  assert.is(groupOf('/w/dcache/src/net/rpc-channel.ts'), 'src/net/rpc-channel.ts')
  assert.is(groupOf('node:internal/streams/readable'), 'node:internal/streams')
  assert.is(shortSource('/w/node_modules/@libp2p/utils/src/stream/abstract.ts'), '@libp2p/utils/…/abstract.ts')
  assert.is(shortSource('/w/node_modules/msgpackr/unpack.js'), 'msgpackr/unpack.js')
  assert.is(shortSource('node:internal/streams/readable'), 'node:internal/streams/readable')
})

test.run()
