// `dcache dashboard` in a real terminal (tmux): it draws the cluster, q quits with exit code 0, and the terminal
// is restored (the alternate screen is gone).
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

test('the dashboard draws three members at 80x24, and q exits 0 and restores the terminal', async () => {
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
    tmux('send-keys', '-t', SESSION, 'q')
    const after = await waitForScreen(/before-dashboard/, 'the shell screen to come back')
    assert.not.match(after, /Members/)
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
