// The membership layer's public API: SWIM with Lifeguard over the Transport interface.
export { Swim, swim, type SwimComponents, type SwimInit } from './swim.js'
export { resolveSwimConfig, SWIM_PRESETS, type SwimConfig, type SwimTimings } from './presets.js'
export { MEMBER_STATES, MemberTable, decideUpdate, type Member, type MemberMeta, type MemberState, type MemberUpdate, type UpdateDecision } from './member-table.js'
export { TypedEmitter, type MemberEvent, type MembershipEvents, type ProbeEvent, type Unsubscribe } from './events.js'
export { HealthMonitor, type MemberHealth, type MembershipSource } from './health-monitor.js'
export { remainingSuspicionTime, suspicionTimeout, retransmitLimit, pushPullScale } from './math.js'
export { SWIM_PROTOCOL, membersTopic } from './messages.js'
export type { ComponentLogger, Logger } from './logger.js'
