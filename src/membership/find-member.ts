import { InvalidArgumentError, MemberNotFoundError } from '../common/errors.js'
import type { Member } from './member-table.js'

/** Candidates named in an error, at most. */
const MAX_LISTED = 10

/**
 * The member `query` names: its full id, a suffix of its id that no other member shares (tables show the last 8
 * characters), or its name. A full id wins outright; otherwise every member whose name is the query or whose id ends
 * with it is a candidate. Throws MemberNotFoundError when there is none, InvalidArgumentError listing them when
 * there are several.
 */
export function findMember (members: readonly Member[], query: string): Member {
  const wanted = query.trim()
  const exact = members.find((m) => m.id === wanted)
  if (exact !== undefined) return exact
  const candidates = wanted === '' ? [] : members.filter((m) => m.name === wanted || m.id.endsWith(wanted))
  if (candidates.length === 1) return candidates[0] as Member
  if (candidates.length === 0) {
    throw new MemberNotFoundError(`no member matches "${wanted}" (by id, id suffix or name); members: ${listed(members)}`)
  }
  throw new InvalidArgumentError(`"${wanted}" matches ${candidates.length} members: ${listed(candidates)}; give more of the id`, 'id')
}

function listed (members: readonly Member[]): string {
  const shown = members.slice(0, MAX_LISTED).map((m) => `${m.name} (${m.id}, ${m.state})`).join(', ')
  return members.length > MAX_LISTED ? `${shown}, and ${members.length - MAX_LISTED} more` : shown
}
