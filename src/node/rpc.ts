import { CACHE_PROTOCOL, type CacheRequest } from './protocol.js'
import { decodeReply, encodeRequest } from './request-codec.js'
import type { ClientTransport, NodeId } from '../net/transport.js'

/** One cache request to one member with a deadline; the member's error comes back as the same error class. */
export async function call<T> (transport: ClientTransport, to: NodeId, req: CacheRequest, timeoutMs: number): Promise<T> {
  const response = await transport.request(to, CACHE_PROTOCOL, encodeRequest(req), { timeoutMs })
  return decodeReply(response) as T
}
