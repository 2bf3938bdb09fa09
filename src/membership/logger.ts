import { silentLog, type ComponentLog } from '../common/log.js'

/**
 * The slice of a logger this layer uses, printf-style (the shape of @libp2p/logger's): the node passes its Log
 * (common/log.ts), which writes these lines as debug and error lines of the node's own log.
 */
export type Logger = ComponentLog

export interface ComponentLogger {
  forComponent(name: string): Logger
}

/** Logs nothing: the default when no logger is injected. */
export const silentLogger: ComponentLogger = silentLog
