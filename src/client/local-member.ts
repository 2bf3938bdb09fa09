import { join } from 'node:path'
import { ADDRESS_FILE, REQUEST_TIMEOUT_MS } from '../config/defaults.js'
import { dialLocalSocket, LOCAL_SOCKET_FILE } from '../net/local-socket.js'
import type { RpcChannel } from '../net/rpc-channel.js'
import type { ClientTransport, NodeId, RequestOptions } from '../net/transport.js'
import { DistributedCache, type ClientConnection } from './distributed-cache.js'
import { MEMBERS_FILE, peerIdOf, readLines } from './members-file.js'
import type { ConnectOptions } from './connect.js'

/**
 * A client of the member that runs with `dataDir` on this machine, through its local socket, with the members
 * remembered in that dir as fallbacks; undefined when no member serves there (no socket, or the one a killed member
 * left), so that the caller connects over the network instead. Requests to other members (fallbacks, keys routed to
 * their owners) go over a libp2p client host, started only if one is needed: a one-shot command never needs it.
 */
export async function connectLocalMember (dataDir: string, options: ConnectOptions = {}): Promise<DistributedCache | undefined> {
  const self = (await readLines(join(dataDir, ADDRESS_FILE)).catch(() => [])).map(peerIdOf).find((id) => id !== undefined)
  if (self === undefined) return undefined
  const timeoutMs = options.timeout ?? REQUEST_TIMEOUT_MS
  let channel: RpcChannel
  try {
    channel = await dialLocalSocket(join(dataDir, LOCAL_SOCKET_FILE), self, timeoutMs)
  } catch {
    return undefined
  }
  const transport = new LocalFirstTransport(self, channel, timeoutMs, async () => {
    const { openNetworkConnection } = await import('./connect.js')
    return await openNetworkConnection(options)
  })
  const others = new Map<NodeId, string[]>()
  for (const address of await readLines(join(dataDir, MEMBERS_FILE)).catch(() => [])) {
    const id = peerIdOf(address)
    if (id !== undefined && id !== self) others.set(id, [...others.get(id) ?? [], address])
  }
  for (const [id, addresses] of others) transport.addAddresses(id, addresses)
  return await DistributedCache.open({ transport, close: async () => { await transport.close() } }, [self, ...others.keys()], options)
}

/**
 * Requests to `local` go over its local socket; requests to any other member over a network connection opened on
 * the first of them, which gets every address learned until then.
 */
class LocalFirstTransport implements ClientTransport {
  private network?: Promise<ClientConnection>
  private readonly addresses = new Map<NodeId, string[]>()

  constructor (
    private readonly local: NodeId,
    private readonly channel: RpcChannel,
    private readonly timeoutMs: number,
    private readonly openNetwork: () => Promise<ClientConnection>
  ) {}

  request (to: NodeId, protocol: string, data: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    if (to === this.local) return this.channel.request(protocol, data, Math.min(opts.timeoutMs ?? this.timeoutMs, this.timeoutMs), opts.signal)
    return this.networkConnection().then(async ({ transport }) => await transport.request(to, protocol, data, opts))
  }

  addAddresses (id: NodeId, addrs: string[]): void {
    if (id === this.local) return
    this.addresses.set(id, addrs)
    this.network?.then(({ transport }) => { transport.addAddresses(id, addrs) }, () => {})
  }

  async close (): Promise<void> {
    await Promise.all([
      this.channel.close(),
      this.network?.then(async (connection) => { await connection.close() }, () => {})
    ])
  }

  private networkConnection (): Promise<ClientConnection> {
    if (this.network === undefined) {
      const opening = this.openNetwork().then((connection) => {
        for (const [id, addrs] of this.addresses) connection.transport.addAddresses(id, addrs)
        return connection
      })
      this.network = opening
      // a failed start is not kept: the next request to another member tries again
      opening.catch(() => { if (this.network === opening) this.network = undefined })
    }
    return this.network
  }
}
