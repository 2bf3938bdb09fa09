export { MemoryNetwork, type MemoryNetworkInit } from './memory-network.js'
export { MemoryTransport } from './memory-transport.js'
