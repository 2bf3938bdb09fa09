import { readFile } from 'node:fs/promises'
import { ConfigurationError } from '../common/errors.js'

/** A libp2p v1 swarm key file, as `dcache keygen` writes it: a header line, the encoding, then 32 bytes in hex. */
const SWARM_KEY = /^\/key\/swarm\/psk\/1\.0\.0\/\r?\n\/base16\/\r?\n[0-9a-fA-F]{64}\s*$/

/**
 * Reads a swarm key file for --swarm-key. A file that cannot be read or is not a swarm key is a usage error naming
 * it, found here before any network work (libp2p would only say "Your private shared key is invalid").
 */
export async function readSwarmKeyFile (file: string | undefined): Promise<Uint8Array | undefined> {
  if (file === undefined) return undefined
  let key: Buffer
  try {
    key = await readFile(file)
  } catch (err) {
    throw new ConfigurationError(`cannot read swarm key file ${file}: ${(err as Error).message}`, 'swarmKey')
  }
  if (!SWARM_KEY.test(key.toString('latin1'))) {
    throw new ConfigurationError(`${file} is not a swarm key (expected the 3 lines "dcache keygen" writes: /key/swarm/psk/1.0.0/, /base16/, 64 hex digits)`, 'swarmKey')
  }
  return key
}
