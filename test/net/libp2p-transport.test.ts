import { createHost, Libp2pTransport } from '../../src/net/libp2p/index.js'
import { describeTransport } from './transport-contract.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

describeTransport('libp2p', async () => {
  const transports: Libp2pTransport[] = []
  try {
    for (let i = 0; i < 3; i++) {
      const transport = new Libp2pTransport(await createHost({ listen: LOOPBACK }))
      transports.push(transport)
      await transport.start()
    }
    const [a, b, c] = transports
    if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable')
    await Promise.all([[a, b], [a, c], [b, c]].map(async ([from, to]) => await from?.connect(to?.addresses()[0] ?? '')))
    return {
      nodes: [a, b, c],
      waitForSubscribers: async (publisher, topic, n) => {
        await (publisher as Libp2pTransport).waitForTopicPeers(topic, n, AbortSignal.timeout(5000))
      },
      stop: async () => { await Promise.all(transports.map(async (t) => { await t.stop() })) }
    }
  } catch (err) {
    await Promise.all(transports.map(async (t) => { await t.stop() }))
    throw err
  }
})
