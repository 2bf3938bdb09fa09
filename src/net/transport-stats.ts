/** Counters of one Libp2pTransport, for `dcache stats` and the dashboard. All only ever grow. */
export interface TransportStats {
  /** RPC frames decoded / encoded. */
  framesIn: number
  framesOut: number
  /** Writes to streams: framesOut / writes is the coalescing factor. */
  writes: number
  requestsIn: number
  requestsOut: number
  /** Frames that were undecodable, oversized, or cut off by the end of the stream; each ended its stream. */
  malformedFrames: number
  /** Requests for an op with no handler (answered with ProtocolError). */
  unknownOps: number
  /** Responses not sent because the caller's deadline had passed. */
  lateResponsesDropped: number
  streamsOpened: number
  streamsClosed: number
}

export function emptyTransportStats (): TransportStats {
  return {
    framesIn: 0,
    framesOut: 0,
    writes: 0,
    requestsIn: 0,
    requestsOut: 0,
    malformedFrames: 0,
    unknownOps: 0,
    lateResponsesDropped: 0,
    streamsOpened: 0,
    streamsClosed: 0
  }
}
