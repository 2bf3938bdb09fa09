import { homedir, hostname } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigurationError } from '../../src/common/errors.js'
import type { CacheConfigInput } from '../../src/config/cache-config.js'
import * as DEFAULTS from '../../src/config/defaults.js'
import { resolveConfig } from '../../src/config/resolve-config.js'

/** Asserts that resolving `layer` throws a ConfigurationError for `field` whose message matches `message`. */
function rejects (layer: Record<string, unknown>, field: string, message: RegExp): void {
  try {
    resolveConfig(layer as CacheConfigInput)
  } catch (err) {
    assert.instance(err, ConfigurationError)
    assert.is((err as ConfigurationError).field, field)
    assert.match((err as Error).message, message)
    return
  }
  assert.unreachable(`${JSON.stringify(layer)} was accepted`)
}

test('defaults follow the design card', () => {
  const config = resolveConfig()
  assert.is(config.maxMemory, 1024 ** 3)
  assert.is(config.evictionPolicy, 'lru')
  assert.is(config.replicationFactor, 3)
  assert.is(config.consistency, 'quorum')
  assert.is(config.virtualNodes, 150)
  assert.is(config.defaultTtl, 3600)
  assert.is(config.healthCheckInterval, 30)
  assert.is(config.maxKeyBytes, 1024)
  assert.is(config.maxValueBytes, 1024 ** 2)
  assert.is(config.compressionThreshold, 4096)
  assert.equal(config.listen, [DEFAULTS.LISTEN_ADDRESS])
  assert.equal(config.join, [])
  assert.is(config.dataDir, join(homedir(), '.dcache'))
  assert.ok(config.name.startsWith(`${hostname()}-`))
  assert.is(config.clusterName, 'default')
  assert.is(config.membershipPreset, 'lan')
  assert.is(config.mdns, false)
  assert.is(config.lifeguard, true)
  assert.is(config.requestTimeout, 5000)
  assert.is(config.logLevel, 'info')
  assert.is(config.logFormat, 'text')
})

test('the resolved config is frozen, lists included', () => {
  const config = resolveConfig()
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.listen) && Object.isFrozen(config.join))
})

test('later layers win and undefined values are skipped', () => {
  const config = resolveConfig({ replicationFactor: 5, consistency: 'one' }, { replicationFactor: 2, consistency: undefined })
  assert.is(config.replicationFactor, 2)
  assert.is(config.consistency, 'one')
})

test('human sizes, durations and text values are accepted', () => {
  const config = resolveConfig({
    maxMemory: '512mb', defaultTtl: '1h', healthCheckInterval: '500ms', requestTimeout: '2s', maxKeyBytes: '1kb',
    maxValueBytes: '64kb', compressionThreshold: '0', replicationFactor: '4', virtualNodes: '64', mdns: 'yes',
    evictionPolicy: 'LFU', consistency: 'all', membershipPreset: 'WAN', join: '/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2'
  })
  assert.is(config.maxMemory, 512 * 1024 ** 2)
  assert.is(config.defaultTtl, 3600)
  assert.is(config.healthCheckInterval, 0.5)
  assert.is(config.requestTimeout, 2000)
  assert.is(config.maxKeyBytes, 1024)
  assert.is(config.maxValueBytes, 65_536)
  assert.is(config.compressionThreshold, 0)
  assert.is(config.replicationFactor, 4)
  assert.is(config.virtualNodes, 64)
  assert.is(config.mdns, true)
  assert.is(config.evictionPolicy, 'lfu')
  assert.is(config.consistency, 'all')
  assert.is(config.membershipPreset, 'wan')
  assert.equal(config.join, ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2'])
})

test('dataDir expands ~ and the default name depends on dataDir', () => {
  const a = resolveConfig({ dataDir: '~/a' })
  const b = resolveConfig({ dataDir: '~/b' })
  assert.is(a.dataDir, join(homedir(), 'a'))
  assert.is.not(a.name, b.name)
  assert.is(resolveConfig({ dataDir: '~/a' }).name, a.name)
  assert.is(resolveConfig({ name: 'cache-1' }).name, 'cache-1')
})

test('maxMemory must be a positive number of bytes', () => {
  rejects({ maxMemory: 'abc' }, 'maxMemory', /^invalid maxMemory: must be a positive number of bytes \(got "abc"\)$/)
  rejects({ maxMemory: 0 }, 'maxMemory', /positive number of bytes \(got 0\)/)
  rejects({ maxMemory: -5 }, 'maxMemory', /positive/)
  rejects({ maxMemory: true }, 'maxMemory', /got true/)
})

test('evictionPolicy must be a known policy', () => {
  rejects({ evictionPolicy: 'random' }, 'evictionPolicy', /^invalid evictionPolicy: must be one of lru, lfu, fifo, ttl \(got "random"\)$/)
  rejects({ evictionPolicy: 3 }, 'evictionPolicy', /got 3/)
})

test('replicationFactor must be an integer >= 1', () => {
  rejects({ replicationFactor: 0 }, 'replicationFactor', /^invalid replicationFactor: must be an integer >= 1 \(got 0\)$/)
  rejects({ replicationFactor: 2.5 }, 'replicationFactor', /integer >= 1 \(got 2.5\)/)
  rejects({ replicationFactor: 'three' }, 'replicationFactor', /got "three"/)
})

test('consistency must be one, quorum or all', () => {
  rejects({ consistency: 'SOME' }, 'consistency', /^invalid consistency: must be one of one, quorum, all \(got "SOME"\)$/)
})

test('virtualNodes must be an integer from 1 to the maximum', () => {
  rejects({ virtualNodes: 0 }, 'virtualNodes', /^invalid virtualNodes: must be an integer from 1 to 10000 \(got 0\)$/)
  rejects({ virtualNodes: 1.5 }, 'virtualNodes', /got 1.5/)
  rejects({ virtualNodes: DEFAULTS.MAX_VIRTUAL_NODES + 1 }, 'virtualNodes', /got 10001/)
})

test('defaultTtl must be a non-negative duration', () => {
  assert.is(resolveConfig({ defaultTtl: 0 }).defaultTtl, 0)
  rejects({ defaultTtl: -1 }, 'defaultTtl', /^invalid defaultTtl: must be a non-negative duration in seconds \(0 = no expiry\) \(got -1\)$/)
  rejects({ defaultTtl: 'forever' }, 'defaultTtl', /got "forever"/)
})

test('healthCheckInterval must be a positive duration', () => {
  rejects({ healthCheckInterval: 0 }, 'healthCheckInterval', /^invalid healthCheckInterval: must be a positive duration in seconds \(got 0\)$/)
  rejects({ healthCheckInterval: '5 minutes' }, 'healthCheckInterval', /got "5 minutes"/)
})

test('maxKeyBytes must be 1 to 65535 bytes (a key\'s length on the wire is 16 bits); maxValueBytes a positive number of bytes', () => {
  rejects({ maxKeyBytes: 0 }, 'maxKeyBytes', /^invalid maxKeyBytes: must be a number of bytes from 1 to 65535 \(got 0\)$/)
  rejects({ maxKeyBytes: '64kb' }, 'maxKeyBytes', /^invalid maxKeyBytes: must be a number of bytes from 1 to 65535 \(got "64kb"\)$/)
  rejects({ maxValueBytes: '1.5b' }, 'maxValueBytes', /^invalid maxValueBytes: must be a positive number of bytes \(got "1.5b"\)$/)
})

test('compressionThreshold must be a non-negative number of bytes', () => {
  rejects({ compressionThreshold: -1 }, 'compressionThreshold', /^invalid compressionThreshold: must be a non-negative number of bytes \(0 = off\) \(got -1\)$/)
})

test('listen must be a non-empty list of multiaddrs', () => {
  rejects({ listen: [] }, 'listen', /^invalid listen: must be a non-empty list of multiaddrs \(got \[\]\)$/)
  rejects({ listen: ['localhost:7700'] }, 'listen', /"localhost:7700" is not a multiaddr/)
  rejects({ listen: [7700] }, 'listen', /got \[7700\]/)
})

test('join must be a list of multiaddrs', () => {
  rejects({ join: ['not an address'] }, 'join', /^invalid join: must be a list of multiaddrs; "not an address" is not a multiaddr/)
  rejects({ join: 42 }, 'join', /got 42/)
})

test('dataDir, name and clusterName must be sensible strings', () => {
  rejects({ dataDir: '' }, 'dataDir', /^invalid dataDir: must be a non-empty path \(got ""\)$/)
  rejects({ name: '' }, 'name', /^invalid name: must be a non-empty string of at most 128 printable characters/)
  rejects({ name: 'a\u0007b' }, 'name', /printable/)
  rejects({ name: 'x'.repeat(129) }, 'name', /at most 128/)
  rejects({ clusterName: 'my cluster' }, 'clusterName', /^invalid clusterName: must be 1-64 letters, digits, '\.', '_' or '-' \(got "my cluster"\)$/)
})

test('membershipPreset must be local, lan or wan', () => {
  rejects({ membershipPreset: 'moon' }, 'membershipPreset', /^invalid membershipPreset: must be one of local, lan, wan \(got "moon"\)$/)
})

test('mdns must be a boolean', () => {
  rejects({ mdns: 'maybe' }, 'mdns', /^invalid mdns: must be true or false \(got "maybe"\)$/)
  rejects({ lifeguard: 'sometimes' }, 'lifeguard', /^invalid lifeguard: must be true or false \(got "sometimes"\)$/)
})

test('logLevel and logFormat must be known names', () => {
  assert.equal([resolveConfig({ logLevel: 'DEBUG' }).logLevel, resolveConfig({ logFormat: 'json' }).logFormat], ['debug', 'json'])
  rejects({ logLevel: 'verbose' }, 'logLevel', /^invalid logLevel: must be one of error, warn, info, debug \(got "verbose"\)$/)
  rejects({ logFormat: 'xml' }, 'logFormat', /^invalid logFormat: must be one of text, json \(got "xml"\)$/)
})

test('requestTimeout must be a positive duration in milliseconds', () => {
  rejects({ requestTimeout: 0 }, 'requestTimeout', /^invalid requestTimeout: must be a positive duration in milliseconds \(got 0\)$/)
})

test('cross-field rules: value and key must fit in memory, compression below the value limit', () => {
  rejects({ maxMemory: '1mb', maxValueBytes: '1mb' }, 'maxValueBytes', /must fit in maxMemory \(1048576\) together with maxKeyBytes \(1024\)/)
  rejects({ compressionThreshold: '2mb' }, 'compressionThreshold', /must be 0 or at most maxValueBytes \(1048576\) \(got 2097152\)/)
})

test('defaults give way to the fields a user set; values a user set never do', () => {
  const small = resolveConfig({ maxMemory: '200kb' })
  assert.is(small.maxValueBytes, 200 * 1024 - 1024, 'a value limit that fits beside a key')
  assert.is(small.compressionThreshold, 4096)
  const tiny = resolveConfig({ maxMemory: '3kb', maxKeyBytes: 512 })
  assert.equal([tiny.maxValueBytes, tiny.compressionThreshold], [3072 - 512, 3072 - 512])
  assert.is(resolveConfig({ maxMemory: '200kb', maxValueBytes: '64kb' }).maxValueBytes, 65_536)
  rejects({ maxMemory: '200kb', maxValueBytes: '300kb' }, 'maxValueBytes', /^invalid maxValueBytes: must fit in maxMemory \(204800\) together with maxKeyBytes \(1024\) \(got 307200\)$/)
  rejects({ maxMemory: 1000 }, 'maxMemory', /^invalid maxMemory: must be larger than maxKeyBytes \(1024\) to hold a key and a value \(got 1000\)$/)
  assert.is(resolveConfig({ hintWindow: '1h' }).tombstoneGrace, 7200, 'tombstones outlive a longer hint window')
  assert.is(resolveConfig({ tombstoneGrace: '5m' }).hintWindow, 150, 'hints expire before shorter tombstones')
})

test('an unknown key is an error naming it', () => {
  rejects({ maxMemroy: 5 }, 'maxMemroy', /unknown configuration key "maxMemroy"/)
  rejects({ toString: 'x' }, 'toString', /unknown configuration key "toString"/)
})


test('tombstones must outlive hints, or a late hint could bring a deleted key back', () => {
  rejects({ hintWindow: 600, tombstoneGrace: 600 }, 'tombstoneGrace', /^invalid tombstoneGrace: must be longer than hintWindow \(600 s\)/)
  assert.is(resolveConfig({ hintWindow: '1m', tombstoneGrace: '2m' }).tombstoneGrace, 120)
})

test('read and write levels default to the consistency field and take a level of their own', () => {
  const config = resolveConfig({ consistency: 'ALL', readConsistency: 'One' })
  assert.equal([config.consistency, config.readConsistency, config.writeConsistency], ['all', 'one', 'default'])
  rejects({ writeConsistency: 'most' }, 'writeConsistency', /^invalid writeConsistency: must be one of default, one, quorum, all/)
  rejects({ conflictResolution: 'merge' }, 'conflictResolution', /^invalid conflictResolution: must be one of lww, siblings/)
})

test.run()
