import { PACKAGE_JSON } from './common/package-root.js'

/** The package version, from package.json. */
export const version: string = PACKAGE_JSON.version
