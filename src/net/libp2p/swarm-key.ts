import { writeFile } from 'node:fs/promises'
import { generateKey } from '@libp2p/pnet'

/** Length of a libp2p swarm key file: "/key/swarm/psk/1.0.0/\n/base16/\n" and 64 hex digits. */
const SWARM_KEY_BYTES = 95

/** Writes a new random pre-shared swarm key to `file` (mode 0600; refuses to overwrite) and returns it. */
export async function writeSwarmKey (file: string): Promise<Uint8Array> {
  const key = new Uint8Array(SWARM_KEY_BYTES)
  generateKey(key)
  await writeFile(file, key, { mode: 0o600, flag: 'wx' })
  return key
}
