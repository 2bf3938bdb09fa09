/**
 * The slice of @libp2p/logger this layer uses, declared structurally so membership imports nothing from libp2p:
 * the node layer passes `defaultLogger()` (or a `prefixLogger()`) and it fits.
 */
export interface Logger {
  (formatter: string, ...args: unknown[]): void
  error(formatter: string, ...args: unknown[]): void
  trace(formatter: string, ...args: unknown[]): void
}

export interface ComponentLogger {
  forComponent(name: string): Logger
}

const silent: Logger = Object.assign(() => {}, { error: () => {}, trace: () => {} })

/** Logs nothing: the default when no logger is injected. */
export const silentLogger: ComponentLogger = { forComponent: () => silent }
