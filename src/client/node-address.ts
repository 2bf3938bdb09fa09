import { isIPv4, isIPv6 } from 'node:net'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigurationError } from '../common/errors.js'
import { ADDRESS_FILE } from '../config/defaults.js'
import { MEMBERS_FILE, peerIdOf, readLines, splitList } from './members-file.js'

const EXPECTED_FORM = 'HOST:PORT or /ip4/HOST/tcp/PORT[/p2p/ID]'
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:/\s]+)):(\d{1,5})$/
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/
const IP_PROTOCOLS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6'])

export interface NodeAddressSources {
  /** --node, possibly several. */
  flag?: string[]
  /** DCACHE_NODE (comma-separated). */
  env?: string
  /** Data directory whose node.addr is read when no node is named, then the members remembered there. */
  dataDir: string
}

export interface NodeAddresses {
  /** Multiaddrs to try, in order. */
  addresses: string[]
  /** Where to remember the members a connected client learned; set only when no node was named (--node, DCACHE_NODE). */
  membersFile?: string
}

/**
 * Where a CLI command finds the cluster: --node, else DCACHE_NODE, else the data dir's node.addr followed by the
 * members clients remembered there (so the default contact being down does not stop every command). Every address is
 * checked here, before any network work.
 */
export async function resolveNodeAddresses (sources: NodeAddressSources): Promise<NodeAddresses> {
  const named = sources.flag !== undefined && sources.flag.length > 0 ? sources.flag : splitList(sources.env)
  if (named.length > 0) return { addresses: named.map(parseNodeAddress) }
  const addressFile = join(sources.dataDir, ADDRESS_FILE)
  const membersFile = join(sources.dataDir, MEMBERS_FILE)
  const contacts = (await readLines(addressFile)).map(parseNodeAddress)
  const known = new Set(contacts.map(peerIdOf))
  // Our own cache file: one that cannot be read, or a line that does not parse or names a contact again, is skipped.
  const remembered = (await readLines(membersFile).catch(() => [])).flatMap((line) => {
    try {
      const address = parseNodeAddress(line)
      return known.has(peerIdOf(address)) ? [] : [address]
    } catch {
      return []
    }
  })
  const addresses = [...contacts, ...remembered]
  if (addresses.length === 0) {
    throw new ConfigurationError(`no node to talk to: pass --node ${EXPECTED_FORM}, set DCACHE_NODE, or start a node so that ${addressFile} exists`, 'node')
  }
  return { addresses, membersFile }
}

/**
 * A node address as a multiaddr the client can dial: `HOST:PORT` (an IPv4 or IPv6 address, or a host name) becomes
 * /ip4|ip6|dns4/HOST/tcp/PORT; a multiaddr must be an IP or DNS address with a TCP port and at most a valid /p2p/ID
 * (the id is learned on connect when it is left out).
 */
export function parseNodeAddress (text: string): string {
  const address = text.trim()
  const invalid = (): ConfigurationError => new ConfigurationError(`not a node address: ${address} (expected ${EXPECTED_FORM})`, 'node')
  const hostPort = HOST_PORT.exec(address)
  if (hostPort !== null) {
    const [, bracketed, host = '', port] = hostPort
    if (!validPort(port)) throw invalid()
    if (bracketed !== undefined) {
      if (!isIPv6(bracketed)) throw invalid()
      return `/ip6/${bracketed}/tcp/${port}`
    }
    if (isIPv4(host)) return `/ip4/${host}/tcp/${port}`
    if (!HOST_NAME.test(host)) throw invalid()
    return `/dns4/${host}/tcp/${port}`
  }
  let parts: Array<{ name: string, value?: string }>
  try {
    parts = multiaddr(address).getComponents()
  } catch {
    throw invalid()
  }
  const [ip, tcp, p2p, ...rest] = parts
  if (ip === undefined || !IP_PROTOCOLS.has(ip.name) || tcp?.name !== 'tcp' || !validPort(tcp.value) || rest.length > 0) throw invalid()
  if (p2p !== undefined) {
    if (p2p.name !== 'p2p' || p2p.value === undefined) throw invalid()
    try {
      peerIdFromString(p2p.value)
    } catch {
      throw invalid()
    }
  }
  return address
}

function validPort (port: string | undefined): boolean {
  const n = Number(port)
  return Number.isInteger(n) && n >= 1 && n <= 65535
}
