import { decodeValue, encodeValue } from '../store/codec.js'
import { RPC_PROTOCOL, type CacheRequest } from './protocol.js'
import type { NodeId, Transport } from '../net/transport.js'

/** A transport that takes a deadline in milliseconds itself (Libp2pTransport), sparing a timer and a signal per request. */
interface DeadlineTransport extends Transport {
  requestWithin(to: NodeId, protocol: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>
}

function takesDeadline (transport: Transport): transport is DeadlineTransport {
  return typeof (transport as Partial<DeadlineTransport>).requestWithin === 'function'
}

/** One cache request to one member with a deadline; the member's error comes back as the same error class. */
export async function call<T> (transport: Transport, to: NodeId, req: CacheRequest, timeoutMs: number): Promise<T> {
  const data = encodeValue(req)
  const response = takesDeadline(transport)
    ? await transport.requestWithin(to, RPC_PROTOCOL, data, timeoutMs)
    : await transport.request(to, RPC_PROTOCOL, data, { signal: AbortSignal.timeout(timeoutMs) })
  return decodeValue(response) as T
}
