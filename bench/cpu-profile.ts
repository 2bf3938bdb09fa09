// Reading a V8 .cpuprofile (what `node --cpu-prof` writes) into self time per function and per package or source
// file, with bundled code (dist/bundle/) mapped back to src/ and node_modules/ through the bundle's source maps.
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../src/common/package-root.js'

export interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
export interface CpuProfile {
  nodes: Array<{ id: number, callFrame: CallFrame }>
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Where a frame's code was written: a file path (or node: module) and a 1-based line. */
export interface SourcePosition { source: string, line: number }

export interface FunctionTime {
  name: string
  /** Shortened: `src/net/codec.ts:42`, `msgpackr/…/unpack.js:120`, `node:internal/streams/readable:512`. */
  location: string
  group: string
  selfMs: number
}

export interface ProfileSummary {
  totalMs: number
  /** Sampled with nothing to run: the process waited (for the network, a timer). */
  idleMs: number
  gcMs: number
  /** Every function but (idle), by self time, largest first. */
  functions: FunctionTime[]
  /** Self time by package or file (see groupOf), largest first, (idle) left out. */
  groups: Array<{ group: string, selfMs: number }>
}

/** V8's names of the frames that are not functions. */
const IDLE = '(idle)'
const GC = '(garbage collector)'

/**
 * Self time per function: each sample lasts until the next one (the last until the profile's end), as DevTools
 * counts it; functions are keyed by name and source position, so one function reached through several paths adds up.
 */
export function summarizeProfile (profile: CpuProfile, position: (frame: CallFrame) => SourcePosition | undefined): ProfileSummary {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const selfByNode = new Map<number, number>()
  let at = profile.startTime
  const times = profile.timeDeltas.map((d) => (at += d))
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number
    const duration = (i + 1 < times.length ? times[i + 1] as number : profile.endTime) - (times[i] as number)
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + Math.max(0, duration))
  }
  const functions = new Map<string, FunctionTime>()
  for (const [id, us] of selfByNode) {
    const frame = frames.get(id) as CallFrame
    const where = frame.url === '' ? undefined : position(frame) ?? { source: frame.url, line: frame.lineNumber + 1 }
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName
    const location = where === undefined ? '' : `${shortSource(where.source)}:${where.line}`
    const key = `${name} ${location}`
    const seen = functions.get(key)
    if (seen !== undefined) seen.selfMs += us / 1000
    else functions.set(key, { name, location, group: where === undefined ? groupOfNative(name) : groupOf(where.source), selfMs: us / 1000 })
  }
  const sorted = [...functions.values()].sort((a, b) => b.selfMs - a.selfMs)
  const selfOf = (name: string): number => sorted.filter((f) => f.name === name && f.location === '').reduce((a, f) => a + f.selfMs, 0)
  const groups = new Map<string, number>()
  for (const f of sorted) if (f.name !== IDLE) groups.set(f.group, (groups.get(f.group) ?? 0) + f.selfMs)
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    idleMs: selfOf(IDLE),
    gcMs: selfOf(GC),
    functions: sorted.filter((f) => f.name !== IDLE),
    groups: [...groups].map(([group, selfMs]) => ({ group, selfMs })).sort((a, b) => b.selfMs - a.selfMs)
  }
}

/**
 * The package of a file under node_modules (the innermost, with its scope), `src/…` for this project's sources,
 * the first two parts of a node: module (`node:internal/streams`), else the path as it is (in this package: from its root).
 */
export function groupOf (source: string): string {
  const inModules = source.lastIndexOf('node_modules/')
  if (inModules >= 0) {
    const parts = source.slice(inModules + 'node_modules/'.length).split('/')
    return (parts[0]?.startsWith('@') === true ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
  }
  const inSrc = source.lastIndexOf('/src/')
  if (inSrc >= 0 || source.startsWith('src/')) return source.slice(inSrc + 1)
  if (source.startsWith('node:')) return source.split('/').slice(0, 2).join('/')
  return source.startsWith(`${PACKAGE_ROOT}/`) ? relative(PACKAGE_ROOT, source) : source
}

/** A frame without a script: V8's own entries keep their name, builtins are (native). */
function groupOfNative (name: string): string {
  return name.startsWith('(') ? name : '(native)'
}

/** A source path short enough for a table: `src/…` and node: modules as they are, a package's file as `package/…/file`. */
export function shortSource (source: string): string {
  if (!source.includes('node_modules/')) return source.startsWith('node:') ? source : groupOf(source)
  const group = groupOf(source)
  const file = source.slice(source.lastIndexOf('/') + 1)
  return source.endsWith(`node_modules/${group}/${file}`) ? `${group}/${file}` : `${group}/…/${file}`
}

/**
 * Maps a frame of a file:// script to its original source through `<script>.map` when there is one (the CLI bundle
 * has them); a script without a map is its own source. Maps are read once each.
 */
export function sourceMapPositions (): (frame: CallFrame) => SourcePosition | undefined {
  const maps = new Map<string, SourceMap | undefined>()
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      let map: SourceMap | undefined
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')))
      } catch {
        map = undefined
      }
      maps.set(file, map)
    }
    return maps.get(file)
  }
  return (frame) => {
    if (!frame.url.startsWith('file://')) return undefined
    const file = fileURLToPath(frame.url)
    const entry = mapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber)
    if (entry === undefined || !('originalSource' in entry)) return { source: file, line: frame.lineNumber + 1 }
    return { source: resolve(dirname(file), entry.originalSource), line: entry.originalLine + 1 }
  }
}
