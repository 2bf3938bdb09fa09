import { accessSync, constants, mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LocalFailureError } from '../common/errors.js'

/**
 * Makes the data dir and its missing parents one at a time, and checks that it can be written. Never a recursive
 * mkdir: Node's (sync or not) spins forever on a path under /proc, where mkdir says ENOENT for a parent that exists.
 */
export function ensureDataDir (dir: string): void {
  const missing: string[] = []
  try {
    for (let path = resolve(dir); ; path = dirname(path)) {
      const stats = statSync(path, { throwIfNoEntry: false })
      if (stats !== undefined) {
        if (!stats.isDirectory()) throw new LocalFailureError(`cannot create data dir ${dir}: ${path === resolve(dir) ? 'it' : path} is not a directory`)
        break
      }
      missing.unshift(path)
      if (dirname(path) === path) break
    }
    for (const path of missing) mkdirSync(path)
    accessSync(dir, constants.W_OK)
  } catch (err) {
    if (err instanceof LocalFailureError) throw err
    throw new LocalFailureError(`cannot ${missing.length > 0 ? 'create' : 'write to'} data dir ${dir}: ${errnoText(err)}`)
  }
}

/** "ENOENT: no such file or directory, mkdir '/proc/nope'" -> "ENOENT: no such file or directory" (the path is said already). */
function errnoText (err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/, \w+ '.*'$/, '')
}
