import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigurationError } from '../../src/common/errors.js'
import { CONFIG_FIELDS } from '../../src/config/fields.js'
import { envVarName, loadConfig } from '../../src/config/load-config.js'

/** Runs `body` with a fresh directory holding `files`, and removes it afterwards. */
function withFiles (files: Record<string, string>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dcache-config-'))
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function configError (run: () => unknown): ConfigurationError {
  try {
    run()
  } catch (err) {
    assert.instance(err, ConfigurationError)
    return err as ConfigurationError
  }
  return assert.unreachable('no error was thrown') as never
}

test('env var names are DCACHE_ plus the field in SCREAMING_SNAKE', () => {
  assert.is(envVarName('maxMemory'), 'DCACHE_MAX_MEMORY')
  assert.is(envVarName('evictionPolicy'), 'DCACHE_EVICTION_POLICY')
  assert.is(envVarName('healthCheckInterval'), 'DCACHE_HEALTH_CHECK_INTERVAL')
  assert.is(envVarName('mdns'), 'DCACHE_MDNS')
  assert.is(new Set(CONFIG_FIELDS.map(envVarName)).size, CONFIG_FIELDS.length)
})

test('reads a YAML file', () => {
  withFiles({ 'node.yaml': 'maxMemory: 512mb\nevictionPolicy: lfu\nlisten:\n  - /ip4/127.0.0.1/tcp/7701\nmdns: true\ndefaultTtl: 10m\n' }, (dir) => {
    const config = loadConfig({ file: join(dir, 'node.yaml') })
    assert.is(config.maxMemory, 512 * 1024 ** 2)
    assert.is(config.evictionPolicy, 'lfu')
    assert.equal(config.listen, ['/ip4/127.0.0.1/tcp/7701'])
    assert.is(config.mdns, true)
    assert.is(config.defaultTtl, 600)
  })
})

test('reads a .yml and a JSON file', () => {
  withFiles({ 'a.yml': 'replicationFactor: 2\n', 'b.json': '{ "replicationFactor": 5, "join": ["/ip4/127.0.0.1/tcp/9"] }' }, (dir) => {
    assert.is(loadConfig({ file: join(dir, 'a.yml') }).replicationFactor, 2)
    const json = loadConfig({ file: join(dir, 'b.json') })
    assert.is(json.replicationFactor, 5)
    assert.equal(json.join, ['/ip4/127.0.0.1/tcp/9'])
  })
})

test('an empty YAML file means all defaults', () => {
  withFiles({ 'empty.yaml': '' }, (dir) => {
    assert.is(loadConfig({ file: join(dir, 'empty.yaml') }).replicationFactor, 3)
  })
})

test('reads every field from DCACHE_* variables', () => {
  const config = loadConfig({
    env: {
      DCACHE_MAX_MEMORY: '256mb',
      DCACHE_EVICTION_POLICY: 'fifo',
      DCACHE_REPLICATION_FACTOR: '2',
      DCACHE_CONSISTENCY: 'one',
      DCACHE_READ_CONSISTENCY: 'all',
      DCACHE_WRITE_CONSISTENCY: 'quorum',
      DCACHE_CONFLICT_RESOLUTION: 'siblings',
      DCACHE_MAX_SIBLINGS: '4',
      DCACHE_HINT_WINDOW: '5m',
      DCACHE_MAX_HINTS: '1000',
      DCACHE_TOMBSTONE_GRACE: '1h',
      DCACHE_VIRTUAL_NODES: '64',
      DCACHE_DEFAULT_TTL: '0',
      DCACHE_HEALTH_CHECK_INTERVAL: '10s',
      DCACHE_MAX_KEY_BYTES: '512',
      DCACHE_MAX_VALUE_BYTES: '2mb',
      DCACHE_COMPRESSION_THRESHOLD: '8kb',
      DCACHE_LISTEN: '/ip4/127.0.0.1/tcp/7001,/ip4/127.0.0.1/tcp/7002',
      DCACHE_JOIN: '/ip4/127.0.0.1/tcp/7000',
      DCACHE_DATA_DIR: '/var/lib/dcache',
      DCACHE_NAME: 'cache-a',
      DCACHE_CLUSTER_NAME: 'prod',
      DCACHE_MEMBERSHIP_PRESET: 'local',
      DCACHE_MDNS: 'true',
      DCACHE_LIFEGUARD: 'false',
      DCACHE_REAP_AFTER: '2h',
      DCACHE_REQUEST_TIMEOUT: '1500',
      DCACHE_LOG_LEVEL: 'debug',
      DCACHE_LOG_FORMAT: 'JSON'
    }
  })
  assert.equal({ ...config, listen: [...config.listen], join: [...config.join] }, {
    maxMemory: 256 * 1024 ** 2,
    evictionPolicy: 'fifo',
    replicationFactor: 2,
    consistency: 'one',
    readConsistency: 'all',
    writeConsistency: 'quorum',
    conflictResolution: 'siblings',
    maxSiblings: 4,
    hintWindow: 300,
    maxHints: 1000,
    tombstoneGrace: 3600,
    virtualNodes: 64,
    defaultTtl: 0,
    healthCheckInterval: 10,
    maxKeyBytes: 512,
    maxValueBytes: 2 * 1024 ** 2,
    compressionThreshold: 8192,
    listen: ['/ip4/127.0.0.1/tcp/7001', '/ip4/127.0.0.1/tcp/7002'],
    join: ['/ip4/127.0.0.1/tcp/7000'],
    dataDir: '/var/lib/dcache',
    name: 'cache-a',
    clusterName: 'prod',
    membershipPreset: 'local',
    mdns: true,
    lifeguard: false,
    reapAfter: 7200,
    requestTimeout: 1500,
    logLevel: 'debug',
    logFormat: 'json'
  })
})

test('empty and unrelated environment variables are ignored', () => {
  const config = loadConfig({ env: { DCACHE_MAX_MEMORY: '', DCACHE_TEST_FILE_TIMEOUT_MS: '1', PATH: '/bin' } })
  assert.is(config.maxMemory, 1024 ** 3)
})

test('precedence: flags over env over file over defaults', () => {
  withFiles({ 'c.yaml': 'replicationFactor: 2\nconsistency: ONE\nvirtualNodes: 10\nclusterName: from-file\n' }, (dir) => {
    const config = loadConfig({
      file: join(dir, 'c.yaml'),
      env: { DCACHE_CONSISTENCY: 'all', DCACHE_VIRTUAL_NODES: '20' },
      flags: { virtualNodes: 30, clusterName: undefined }
    })
    assert.is(config.virtualNodes, 30) // flag
    assert.is(config.consistency, 'all') // env over file
    assert.is(config.replicationFactor, 2) // file over default
    assert.is(config.clusterName, 'from-file') // an undefined flag does not hide the file
    assert.is(config.maxMemory, 1024 ** 3) // default
  })
})

test('an unknown key in a file is an error naming the key and the file', () => {
  withFiles({ 'bad.yaml': 'maxMemory: 1gb\nmaxMemroy: 2gb\n' }, (dir) => {
    const err = configError(() => loadConfig({ file: join(dir, 'bad.yaml') }))
    assert.is(err.field, 'maxMemroy')
    assert.match(err.message, /unknown configuration key "maxMemroy" in file .*bad\.yaml/)
  })
})

test('an invalid value names the field and where it came from', () => {
  withFiles({ 'v.json': '{ "maxMemory": "abc" }' }, (dir) => {
    const fromFile = configError(() => loadConfig({ file: join(dir, 'v.json') }))
    assert.match(fromFile.message, /^invalid maxMemory: must be a positive number of bytes \(got "abc"\) in file .*v\.json$/)
  })
  const fromEnv = configError(() => loadConfig({ env: { DCACHE_EVICTION_POLICY: 'mru' } }))
  assert.is(fromEnv.field, 'evictionPolicy')
  assert.match(fromEnv.message, /\(got "mru"\) in environment variable DCACHE_EVICTION_POLICY$/)
  const fromFlags = configError(() => loadConfig({ flags: { requestTimeout: 'soon' } }))
  assert.match(fromFlags.message, /^invalid requestTimeout: .* in flags$/)
})

test('a missing file is a ConfigurationError naming it', () => {
  withFiles({}, (dir) => {
    const err = configError(() => loadConfig({ file: join(dir, 'nope.yaml') }))
    assert.match(err.message, /cannot read config file .*nope\.yaml/)
  })
})

test('an unparsable file is a ConfigurationError naming it', () => {
  withFiles({ 'broken.json': '{ "maxMemory": ', 'broken.yaml': 'listen: [unclosed\n' }, (dir) => {
    assert.match(configError(() => loadConfig({ file: join(dir, 'broken.json') })).message, /cannot parse config file .*broken\.json/)
    assert.match(configError(() => loadConfig({ file: join(dir, 'broken.yaml') })).message, /cannot parse config file .*broken\.yaml/)
  })
})

test('a file whose top level is not a mapping, or with another extension, is refused', () => {
  withFiles({ 'list.yaml': '- a\n- b\n', 'node.toml': 'maxMemory = 1' }, (dir) => {
    assert.match(configError(() => loadConfig({ file: join(dir, 'list.yaml') })).message, /top level must be a mapping/)
    assert.match(configError(() => loadConfig({ file: join(dir, 'node.toml') })).message, /unsupported config file .*node\.toml/)
  })
})

test.run()
