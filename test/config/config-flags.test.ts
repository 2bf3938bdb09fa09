// `dcache node start` has a flag for every config field, generated from the field table.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CONFIG_FLAGS, configFromFlags, flagName } from '../../src/cli/config-flags.js'
import { CONFIG_FIELD_SPECS, CONFIG_FIELDS } from '../../src/config/fields.js'
import { resolveConfig } from '../../src/config/index.js'
import { formatBytes, formatDuration, parseBytes, parseMilliseconds } from '../../src/config/units.js'
import NodeStart from '../../src/commands/node/start.js'

test('every config field has a node start flag in kebab-case, with its description and help group', () => {
  assert.is(flagName('maxValueBytes'), 'max-value-bytes')
  assert.is(flagName('mdns'), 'mdns')
  for (const field of CONFIG_FIELDS) {
    const flag = (NodeStart.flags as Record<string, { description?: string, helpGroup?: string }>)[flagName(field)]
    assert.ok(flag !== undefined, `no flag for ${field}`)
    assert.ok(flag.description?.startsWith(CONFIG_FIELD_SPECS[field].description), field)
    assert.is(flag.helpGroup, CONFIG_FIELD_SPECS[field].group)
  }
  assert.is(Object.keys(CONFIG_FLAGS).length, CONFIG_FIELDS.length)
})

test('earlier flag names stay as aliases, and the kinds decide the flag types', () => {
  assert.equal(CONFIG_FLAGS['eviction-policy']?.aliases, ['eviction'])
  assert.equal(CONFIG_FLAGS['membership-preset']?.aliases, ['preset'])
  assert.equal(CONFIG_FLAGS['cluster-name']?.aliases, ['cluster'])
  assert.match(CONFIG_FLAGS['eviction-policy']?.description ?? '', /\(or --eviction\) \[default: lru\]$/)
  assert.is(CONFIG_FLAGS.mdns?.type, 'boolean')
  assert.is(CONFIG_FLAGS.lifeguard?.type === 'boolean' && CONFIG_FLAGS.lifeguard.allowNo, true)
  assert.equal(CONFIG_FLAGS['log-level']?.type === 'option' && CONFIG_FLAGS['log-level'].options, ['error', 'warn', 'info', 'debug'])
  assert.is(CONFIG_FLAGS.listen?.type === 'option' && CONFIG_FLAGS.listen.multiple, true)
  assert.match(CONFIG_FLAGS['max-memory']?.description ?? '', /\[default: 1gb\]$/)
  assert.match(CONFIG_FLAGS['default-ttl']?.description ?? '', /\[default: 1h\]$/)
  assert.match(CONFIG_FLAGS['request-timeout']?.description ?? '', /\[default: 5s\]$/)
})

test('flag values become config fields by name; unset flags are left to the environment, a file or the default', () => {
  const input = configFromFlags({ 'max-memory': '200kb', 'log-level': 'debug', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, config: 'x.yaml' })
  assert.equal(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    { maxMemory: '200kb', logLevel: 'debug', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
  assert.is(resolveConfig(input).maxValueBytes, 200 * 1024 - 1024)
})

test('defaults shown in help read back as the same value', () => {
  for (const bytes of [1024 ** 3, 1024 ** 2, 4096, 1000, 1536]) assert.is(parseBytes(formatBytes(bytes)), bytes)
  for (const ms of [3_600_000, 600_000, 5000, 1500, 0]) assert.is(parseMilliseconds(formatDuration(ms)), ms)
  assert.equal([formatBytes(1024 ** 3), formatDuration(5000), formatDuration(1500)], ['1gb', '5s', '1500ms'])
})

test.run()
