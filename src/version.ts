import { createRequire } from 'node:module'

// src/ and dist/ both sit directly under the package root.
const pkg = createRequire(import.meta.url)('../package.json') as { version: string }

/** The package version, from package.json. */
export const version: string = pkg.version
