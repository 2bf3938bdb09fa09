// `dcache demo --no-dashboard`: a local cluster that answers the printed example, and Ctrl-C stops every node.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('demo starts the nodes, prints a working DCACHE_NODE, and stops them all on SIGINT', async () => {
  const demo = spawn(process.execPath, [DCACHE_BIN, 'demo', '--nodes', '2', '--no-dashboard', '--no-load'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve))
  try {
    const pids: number[] = []
    let seed: string | undefined
    for await (const line of createInterface({ input: demo.stdout })) {
      const node = /pid (\d+)/.exec(line)
      if (node !== null) pids.push(Number(node[1]))
      const hint = /export DCACHE_NODE=(\S+)/.exec(line)
      if (hint !== null) seed = hint[1]
      if (line.includes('press Ctrl-C')) break
    }
    assert.is(pids.length, 2)
    assert.ok(seed !== undefined)
    const put = await runCli(['put', 'demo-key', 'demo-value'], { env: { DCACHE_NODE: seed } })
    assert.is(put.code, 0, put.stderr)
    assert.is((await runCli(['get', 'demo-key'], { env: { DCACHE_NODE: seed } })).stdout, 'demo-value\n')

    demo.kill('SIGINT')
    assert.is(await exited, 0)
    assert.equal(pids.filter(isRunning), [], 'every node process is gone')
  } finally {
    if (demo.exitCode === null) demo.kill('SIGKILL')
  }
})

test.run()
