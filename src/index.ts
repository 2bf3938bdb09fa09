export { version } from './version.js'
export * from './common/errors.js'
export type { Clock } from './common/clock.js'
export { systemClock } from './common/clock.js'
