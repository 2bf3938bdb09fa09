/** The last characters of a member id that every table, log line and error shows; commands accept them as the id. */
export const SHORT_ID_LENGTH = 8

/** A member id as people see it: its last 8 characters. */
export function shortId (id: string): string {
  return id.slice(-SHORT_ID_LENGTH)
}
