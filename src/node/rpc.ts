import { CACHE_PROTOCOL, type CacheRequest } from './protocol.js'
import { decodeReply, encodeRequest } from './request-codec.js'
import type { ClientTransport, NodeId } from '../net/transport.js'

/**
 * One cache request to one member with a deadline; the member's error comes back as the same error class. Not async:
 * one promise per request fewer on the hot path.
 */
export function call<T> (transport: ClientTransport, to: NodeId, req: CacheRequest, timeoutMs: number): Promise<T> {
  let data: Uint8Array
  try {
    data = encodeRequest(req)
  } catch (err) {
    return Promise.reject(err)
  }
  return transport.request(to, CACHE_PROTOCOL, data, { timeoutMs }).then((response) => decodeReply(response) as T)
}
