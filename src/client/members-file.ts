import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { withPeerId } from '../net/transport.js'

// The data dir's address files as clients use them. No multiaddr parsing here: a command that talks to its own
// machine's member over the local socket reads these without loading any of libp2p.

/** The file in the default data dir where clients remember the members they learned, one multiaddr per line. */
export const MEMBERS_FILE = 'members.addr'
/** Addresses remembered at most: plenty of fallbacks, and the file stays small however large the cluster. */
const MAX_REMEMBERED_ADDRESSES = 32

/**
 * Writes the addresses of the live members a client learned to `file` (atomically: a concurrent command reads the old
 * or the new list, never half of one), if they changed. Best effort: the file only speeds up finding a member, so a
 * data dir that cannot be written must not fail the command that connected fine.
 */
export async function rememberMembers (file: string, members: ReadonlyArray<{ id: string, addresses: readonly string[], state: string }>): Promise<void> {
  const lines = members.filter((m) => m.state === 'alive')
    .flatMap((m) => m.addresses.map((a) => withPeerId(a, m.id)))
    .slice(0, MAX_REMEMBERED_ADDRESSES)
  if (lines.length === 0) return
  const text = `${lines.join('\n')}\n`
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`
  try {
    if (await readFile(file, 'utf8').catch(() => undefined) === text) return
    await writeFile(temporary, text)
    await rename(temporary, file)
  } catch {
    await rm(temporary, { force: true }).catch(() => {})
  }
}

/** The peer id an address names with /p2p/ID at its end, if any. */
export function peerIdOf (address: string): string | undefined {
  return /\/p2p\/([^/]+)$/.exec(address)?.[1]
}

/** Non-empty lines of a file; none if it does not exist. */
export async function readLines (file: string): Promise<string[]> {
  try {
    return splitList((await readFile(file, 'utf8')).replaceAll('\n', ','))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

/** The non-empty items of a comma-separated list. */
export function splitList (text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}
