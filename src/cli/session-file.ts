import { readFile, rename, writeFile } from 'node:fs/promises'
import { ConfigurationError } from '../common/errors.js'
import { SessionToken } from '../client/session.js'

/** The token kept in a --session file; a file that does not exist yet starts an empty session. */
export async function loadSession (file: string): Promise<SessionToken> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new SessionToken()
    throw new ConfigurationError(`cannot read session file ${file}: ${(err as Error).message}`, 'session')
  }
  try {
    return SessionToken.fromJSON(JSON.parse(text))
  } catch {
    throw new ConfigurationError(`session file ${file} is not a dcache session (JSON)`, 'session')
  }
}

/** Writes the token through a temporary file, so a command killed midway leaves the old token, not half a new one. */
export async function saveSession (file: string, token: SessionToken): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(token))
  await rename(temporary, file)
}
