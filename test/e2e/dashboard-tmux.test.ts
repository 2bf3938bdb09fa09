// `dcache dashboard` in a real terminal (tmux) at 80x24: it draws the cluster readably (units, legends, whole figures,
// member events abbreviated rather than cut), q quits with exit code 0, and the terminal is restored (the alternate
// screen is gone).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DCACHE_BIN, LocalCluster } from '../../src/cli/local-cluster.js'

const SESSION = `dcache-dash-${process.pid}`
const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' })
const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION)

/** Captures the pane until `pattern` shows (the dashboard redraws every second). */
async function waitForScreen (pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const text = screen()
    if (pattern.test(text)) return text
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

test('the dashboard draws three members at 80x24, a death readably, and q exits 0 and restores the terminal', async () => {
  const cluster = await LocalCluster.start({ nodes: 3, nodeArgs: ['--preset', 'local'] })
  const dir = await mkdtemp(join(tmpdir(), 'dcache-tmux-'))
  const exitFile = join(dir, 'exit')
  try {
    const command = `echo before-dashboard; ${process.execPath} ${DCACHE_BIN} dashboard --node ${cluster.nodes[0]?.address}; echo $? > ${exitFile}; sleep 60`
    tmux('new-session', '-d', '-s', SESSION, '-x', '80', '-y', '24', '-e', 'LANG=C.UTF-8', '-e', 'TERM=xterm-256color', '-e', 'NCURSES_NO_UTF8_ACS=1', command)
    const drawn = await waitForScreen(/3 alive/, 'three alive members')
    for (const name of ['node-1', 'node-2', 'node-3']) assert.match(drawn, new RegExp(name))
    assert.match(drawn, /Members/)
    assert.not.match(drawn, /before-dashboard/, 'the dashboard owns the whole screen')
    assert.match(drawn, /via node-1 127\.0\.0\.1:\d+ /, 'the contact\'s address in the header')
    assert.match(drawn, /Ops\/s +━ ?get [\d.kM]+ +━ ?set [\d.kM]+ +━ ?err/, 'the throughput chart: unit and legend')
    assert.match(drawn, /Latency ms +━ ?p50 (-|[\d.]+ m?s) +━ ?p99/, 'the latency chart: unit and legend')
    assert.match(drawn, /memory +\d[\d.]*[BKMG]\/3\.0G/, 'the memory total whole')
    for (const name of ['node-2', 'node-3']) assert.match(drawn, new RegExp(`\\d\\d:\\d\\d:\\d\\d ${name} joined`))

    const third = cluster.nodes[2]
    assert.ok(third !== undefined)
    await cluster.kill(third, 'SIGKILL')
    const after = await waitForScreen(/node-3 (alive|suspect)→(suspect|dead)/, 'an event line for node-3\'s failure')
    assert.match(after, /\d\d:\d\d:\d\d node-3 (alive|suspect)→(suspect|dead) *[│x]/, 'the state change whole, inside the panel')

    tmux('send-keys', '-t', SESSION, 'q')
    const shell = await waitForScreen(/before-dashboard/, 'the shell screen to come back')
    assert.not.match(shell, /Members/)
    for (let tries = 0; tries < 100; tries++) {
      const code = await readFile(exitFile, 'utf8').catch(() => '')
      if (code !== '') {
        assert.is(code.trim(), '0')
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.unreachable('the dashboard did not exit after q')
  } finally {
    try { tmux('kill-session', '-t', SESSION) } catch { /* already gone */ }
    await rm(dir, { recursive: true, force: true })
    await cluster.stop()
  }
})

test.run()
