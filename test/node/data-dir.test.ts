// The data dir is made without a recursive mkdir, which never returns for a path under /proc.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalFailureError } from '../../src/common/errors.js'
import { ensureDataDir } from '../../src/node/data-dir.js'

function refusal (dir: string): string {
  try {
    ensureDataDir(dir)
  } catch (err) {
    assert.instance(err, LocalFailureError)
    assert.is((err as LocalFailureError).code, 'LOCAL')
    return (err as Error).message
  }
  return assert.unreachable(`${dir} was accepted`) as never
}

test('makes the missing directories of a path, and takes one that exists', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcache-data-dir-'))
  try {
    ensureDataDir(join(base, 'a', 'b', 'c'))
    assert.ok(statSync(join(base, 'a', 'b', 'c')).isDirectory())
    ensureDataDir(join(base, 'a'))
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
})

test('a data dir that cannot be made fails at once with one line naming it: /proc, a file, /sys', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcache-data-dir-'))
  try {
    writeFileSync(join(base, 'file'), '')
    assert.is(refusal('/proc/nope'), 'cannot create data dir /proc/nope: ENOENT: no such file or directory')
    assert.is(refusal(join(base, 'file')), `cannot create data dir ${join(base, 'file')}: it is not a directory`)
    assert.is(refusal(join(base, 'file', 'sub')), `cannot create data dir ${join(base, 'file', 'sub')}: ${join(base, 'file')} is not a directory`)
    assert.match(refusal('/sys/nope'), /^cannot create data dir \/sys\/nope: E(PERM|ACCES|ROFS): /)
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
})

test.run()
