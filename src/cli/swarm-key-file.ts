import { readFile } from 'node:fs/promises'
import { ConfigurationError } from '../common/errors.js'

/** Reads a swarm key file for --swarm-key; a missing or unreadable file is a usage error that names it. */
export async function readSwarmKeyFile (file: string | undefined): Promise<Uint8Array | undefined> {
  if (file === undefined) return undefined
  try {
    return await readFile(file)
  } catch (err) {
    throw new ConfigurationError(`cannot read swarm key file ${file}: ${(err as Error).message}`, 'swarmKey')
  }
}
