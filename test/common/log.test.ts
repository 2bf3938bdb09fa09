import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createLog, formatLogLine, LOG_LEVELS, silentLog, type LogLevel } from '../../src/common/log.js'

const TIME = Date.UTC(2025, 0, 2, 3, 4, 5, 678)

function capture (level: LogLevel, format: 'text' | 'json' = 'text'): { lines: string[], log: ReturnType<typeof createLog> } {
  const lines: string[] = []
  return { lines, log: createLog({ level, format, write: (line) => lines.push(line), now: () => TIME }) }
}

test('a level writes itself and the more severe levels only', () => {
  const written = LOG_LEVELS.map((level) => {
    const { lines, log } = capture(level)
    for (const l of LOG_LEVELS) log.write(l, 'test:event', `at ${l}`)
    return lines.map((line) => line.split(' ')[1])
  })
  assert.equal(written, [['error'], ['error', 'warn'], ['error', 'warn', 'info'], ['error', 'warn', 'info', 'debug']])
  const { log } = capture('warn')
  assert.equal(LOG_LEVELS.map((l) => log.enabled(l)), [true, true, false, false])
})

test('text lines: ISO time, level, event, message; a message never breaks the line', () => {
  assert.is(formatLogLine('text', { time: TIME, level: 'info', event: 'member:join', msg: 'b 7RYvDCxV is alive', fields: { name: 'b' } }),
    '2025-01-02T03:04:05.678Z info  member:join     b 7RYvDCxV is alive')
  assert.is(formatLogLine('text', { time: TIME, level: 'warn', event: 'x', msg: 'first\n  second\n' }).split('\n').length, 1)
})

test('json lines: one object with ts, level, event and msg first, then the fields, which cannot replace them', () => {
  const line = formatLogLine('json', { time: TIME, level: 'warn', event: 'member:dead', msg: 'b is dead', fields: { member: 'id', incarnation: 2, msg: 'spoofed', added: ['x'] } })
  assert.equal(Object.keys(JSON.parse(line)), ['ts', 'level', 'event', 'msg', 'member', 'incarnation', 'added'])
  assert.equal(JSON.parse(line), { ts: '2025-01-02T03:04:05.678Z', level: 'warn', event: 'member:dead', msg: 'b is dead', member: 'id', incarnation: 2, added: ['x'] })
  const { lines, log } = capture('info', 'json')
  log.write('info', 'ring:change', 'line\nbreak')
  assert.is(lines.length, 1)
  assert.is(JSON.parse(lines[0] as string).msg, 'line\nbreak')
})

test('a component logger (membership\'s printf style) writes debug lines and error lines under its name', () => {
  const { lines, log } = capture('debug', 'json')
  const swim = log.forComponent('dcache:membership:swim')
  swim('probe of %s took %d ms', 'b', 12)
  swim.trace('traced %s', 'x')
  swim.error('gossip from %s failed: %s', 'c', 'bad frame')
  assert.equal(lines.map((l) => JSON.parse(l) as Record<string, string>).map((l) => [l.level, l.event, l.msg]), [
    ['debug', 'dcache:membership:swim', 'probe of b took 12 ms'],
    ['debug', 'dcache:membership:swim', 'traced x'],
    ['error', 'dcache:membership:swim', 'gossip from c failed: bad frame']
  ])
  const quiet = capture('error')
  quiet.log.forComponent('x')('not at error level')
  assert.equal(quiet.lines, [])
})

test('the silent log writes nothing and is never enabled', () => {
  assert.equal(LOG_LEVELS.map((l) => silentLog.enabled(l)), [false, false, false, false])
  silentLog.write('error', 'x', 'y')
  silentLog.forComponent('x').error('nothing')
})

test.run()
