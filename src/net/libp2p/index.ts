// The only folder that imports libp2p: the host, the persistent identity and the Transport over them.
export { createHost, type DcacheHost, type HostInit, type MdnsInit } from './host.js'
export { Libp2pTransport, type Libp2pTransportInit } from './libp2p-transport.js'
export { loadOrCreatePrivateKey } from './private-key.js'
export type { TransportStats } from '../transport-stats.js'
export { MAX_FRAME_BYTES, RPC_STREAM_PROTOCOL } from '../constants.js'
export { writeSwarmKey } from './swarm-key.js'
