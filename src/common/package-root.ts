import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'dcache'

/**
 * This package's root and package.json, found by walking up from this module: it runs from src/ (tsx), dist/ (the
 * library) or a chunk of the CLI bundle (dist/bundle/chunks/), so no fixed relative path holds for all three.
 */
export const { root: PACKAGE_ROOT, manifest: PACKAGE_JSON } = findPackage(dirname(fileURLToPath(import.meta.url)))

function findPackage (from: string): { root: string, manifest: { name: string, version: string } } {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string, version: string }
      if (manifest.name === PACKAGE_NAME) return { root: dir, manifest }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`)
  }
}
