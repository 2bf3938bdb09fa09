// The package root exports what the README documents.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as dcache from '../src/index.js'
import pkg from '../package.json' with { type: 'json' }

test('the root exports the engine, its policies, errors, config, ring, node and client', () => {
  for (const name of ['LocalCache', 'LruPolicy', 'LfuPolicy', 'FifoPolicy', 'TtlPolicy', 'createEvictionPolicy', 'CacheError',
    'KeyNotFoundError', 'NodeUnavailableError', 'ReplicationError', 'ConsistencyError', 'ConfigurationError', 'NetworkError',
    'SerializationError', 'resolveConfig', 'loadConfig', 'HashRing', 'Swim', 'createNode', 'CacheNode', 'DistributedCache', 'connectClient',
    'SessionToken', 'Pipeline', 'merge']) {
    assert.type((dcache as Record<string, unknown>)[name], 'function', name)
  }
  assert.is(dcache.version, pkg.version)
  assert.is(dcache.VIRTUAL_NODES, 150)
})

test('every error class carries a stable code that survives the wire', () => {
  const errors = [new dcache.KeyNotFoundError('k'), new dcache.ConsistencyError(), new dcache.ConfigurationError('bad', 'field'),
    new dcache.ConsistencyError('write quorum not reached', { op: 'write', acked: 1, required: 2, asked: 3, failed: ['b', 'c'] })]
  for (const err of errors) {
    const back = dcache.errorFromWire(dcache.errorToWire(err))
    assert.is(back.constructor, err.constructor)
    assert.is(back.code, err.code)
    assert.is(back.message, err.message)
    assert.equal(back.details, err.details)
  }
  assert.is(dcache.errorFromWire({ code: 'SOMETHING_NEW', message: 'x' }).name, 'RemoteError')
  for (const code of ['constructor', 'toString', '__proto__']) assert.is(dcache.errorFromWire({ code, message: 'x' }).name, 'RemoteError', code)
})

test.run()
