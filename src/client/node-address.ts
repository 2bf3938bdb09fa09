import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigurationError } from '../common/errors.js'
import { ADDRESS_FILE } from '../config/defaults.js'

export interface NodeAddressSources {
  /** --node, possibly several. */
  flag?: string[]
  /** DCACHE_NODE (comma-separated). */
  env?: string
  /** Data directory whose node.addr is read last. */
  dataDir: string
}

/** Where a CLI command finds the cluster: --node, else DCACHE_NODE, else the default data dir's node.addr. */
export async function resolveNodeAddresses (sources: NodeAddressSources): Promise<string[]> {
  if (sources.flag !== undefined && sources.flag.length > 0) return sources.flag
  const fromEnv = splitList(sources.env)
  if (fromEnv.length > 0) return fromEnv
  const file = join(sources.dataDir, ADDRESS_FILE)
  try {
    const addrs = splitList((await readFile(file, 'utf8')).replaceAll('\n', ','))
    if (addrs.length > 0) return addrs
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  throw new ConfigurationError(`no node to talk to: pass --node <multiaddr>, set DCACHE_NODE, or start a node so that ${file} exists`, 'node')
}

function splitList (text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}
