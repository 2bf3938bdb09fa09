import { createHash } from 'node:crypto'
import type { Actor } from './version.js'

/** A member's number in versions: the first 48 bits of SHA-256 of its node id (exact as a JS number, small on the wire). */
export function actorOf (nodeId: string): Actor {
  return createHash('sha256').update(nodeId).digest().readUIntBE(0, 6)
}
