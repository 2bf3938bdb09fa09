import { decodeValue, encodeValue } from '../common/codec.js'
import { ProtocolError } from '../common/errors.js'
import type { NodeId } from '../net/transport.js'
import { CLAIM_STATES, MEMBER_STATES, type Member, type MemberUpdate } from './member-table.js'

/** Stream protocol of every direct SWIM exchange: ping, ping-req, push/pull and notify. */
export const SWIM_PROTOCOL = '/dcache/swim/1.0.0'

/** The gossipsub topic that carries membership updates of one cluster. */
export function membersTopic (clusterName: string): string {
  return `dcache/${clusterName}/members`
}

// APPEND ONLY: values are on the wire.
export const MessageType = {
  Ping: 1,
  PingReq: 2,
  Ack: 3,
  Nack: 4,
  PushPull: 5,
  Notify: 6,
  Gossip: 7
} as const
export type MessageType = typeof MessageType[keyof typeof MessageType]

/**
 * Every message carries the sender's sequence number (gossipsub drops identical content, FACTS 7) and
 * piggybacked updates, each with its own incarnation.
 */
interface Envelope { seq: number, updates: MemberUpdate[] }

/** Direct probe of `target`; answered by an Ack. */
export interface PingMessage extends Envelope { type: typeof MessageType.Ping, target: NodeId }
/**
 * Asks the receiver to probe `target` within `timeoutMs`; answered by an Ack (the target answered) or a Nack
 * (it did not). The requester sets the timeout so that a Nack still reaches it before its own deadline.
 */
export interface PingReqMessage extends Envelope { type: typeof MessageType.PingReq, target: NodeId, timeoutMs: number }
export interface AckMessage extends Envelope { type: typeof MessageType.Ack }
export interface NackMessage extends Envelope { type: typeof MessageType.Nack }
/** The sender's full member table; answered by the receiver's (after it merged the sender's). */
export interface PushPullMessage extends Envelope { type: typeof MessageType.PushPull, members: Member[] }
/** Updates sent straight to a member (a refutation to its accuser, a leave to a few peers); answered by an Ack. */
export interface NotifyMessage extends Envelope { type: typeof MessageType.Notify }
/** Updates published on the membership topic. */
export interface GossipMessage extends Envelope { type: typeof MessageType.Gossip }

export type SwimMessage = PingMessage | PingReqMessage | AckMessage | NackMessage | PushPullMessage | NotifyMessage | GossipMessage

export function encodeMessage (message: SwimMessage): Uint8Array {
  return encodeValue(message)
}

/** Decodes and checks the shape of one message; throws ProtocolError on anything malformed. */
export function decodeMessage (data: Uint8Array): SwimMessage {
  let value: unknown
  try {
    value = decodeValue(data)
  } catch (err) {
    throw new ProtocolError(`undecodable swim message: ${(err as Error).message}`)
  }
  if (!isRecord(value) || !isNonNegativeInteger(value.seq) || !Array.isArray(value.updates) || !value.updates.every(isMemberUpdate)) {
    throw new ProtocolError('malformed swim message')
  }
  switch (value.type) {
    case MessageType.Ping:
      if (typeof value.target !== 'string') throw new ProtocolError('swim ping without a target')
      break
    case MessageType.PingReq:
      if (typeof value.target !== 'string' || !isNonNegativeInteger(value.timeoutMs)) throw new ProtocolError('malformed swim ping-req')
      break
    case MessageType.PushPull:
      if (!Array.isArray(value.members) || !value.members.every(isMember)) {
        throw new ProtocolError('malformed swim push/pull')
      }
      break
    case MessageType.Ack:
    case MessageType.Nack:
    case MessageType.Notify:
    case MessageType.Gossip:
      break
    default:
      throw new ProtocolError(`unknown swim message type ${String(value.type)}`)
  }
  return value as unknown as SwimMessage
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNonNegativeInteger (value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0
}

function isMember (value: unknown): value is Member {
  return isMemberRecord(value) && (MEMBER_STATES as readonly unknown[]).includes(value.state)
}

/** A member record whose state is any claim state (a push/pull table holds member states only). */
function isMemberRecord (value: unknown): value is Record<string, unknown> {
  return isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    Array.isArray(value.addresses) && value.addresses.every((a) => typeof a === 'string') &&
    isNonNegativeInteger(value.incarnation) &&
    (CLAIM_STATES as readonly unknown[]).includes(value.state) &&
    isRecord(value.meta)
}

function isMemberUpdate (value: unknown): value is MemberUpdate {
  return isMemberRecord(value) && typeof value.from === 'string'
}
