import { systemClock } from '../../src/common/clock.js'
import { seededRandom } from '../../src/common/random.js'
import { MemoryNetwork } from '../../src/net/memory/index.js'
import { describeTransport } from './transport-contract.js'

describeTransport('memory', async () => {
  const network = new MemoryNetwork({ clock: systemClock, random: seededRandom(1) })
  const ids = ['a', 'b', 'c'] as const
  const [a, b, c] = ids.map((id) => network.createTransport(id))
  if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable')
  return {
    nodes: [a, b, c],
    waitForSubscribers: async () => {},
    stop: async () => { for (const id of ids) network.remove(id) }
  }
})
