// What the layers above net/ import: the Transport types only. Implementations: ./memory/index.js, ./libp2p/index.js.
export type { NodeId, RequestHandler, RequestOptions, Transport } from './transport.js'
