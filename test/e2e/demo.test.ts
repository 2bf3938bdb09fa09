// `dcache demo --no-dashboard`: a local cluster that answers the printed examples from any directory, and Ctrl-C
// stops every node and removes the data dir with the demo's CLI script.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'
import { isRunning } from '../support/processes.js'

test('demo starts the nodes, prints hints that work from any directory, and stops them all on SIGINT', async () => {
  const demo = spawn(process.execPath, [DCACHE_BIN, 'demo', '--nodes', '2', '--no-dashboard', '--no-load'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve))
  const pids: number[] = []
  try {
    const printed: string[] = []
    let seedDir: string | undefined
    let script: string | undefined
    for await (const line of createInterface({ input: demo.stdout })) {
      printed.push(line)
      const node = /pid (\d+)/.exec(line)
      if (node !== null) pids.push(Number(node[1]))
      seedDir ??= /export DCACHE_DATA_DIR=(\S+)/.exec(line)?.[1]
      script ??= /^\s+(\/\S+\/dcache) put greeting hello$/.exec(line)?.[1]
      if (line.includes('press Ctrl-C')) break
    }
    assert.is(pids.length, 2)
    assert.ok(seedDir !== undefined && script !== undefined, printed.join('\n'))
    assert.not.ok(printed.some((l) => /^\s+npx dcache/.test(l)), 'no bare npx: outside the project it would ask the npm registry')

    // the script, run from a directory outside the project, with no DCACHE_NODE of its own
    const env = { ...process.env, DCACHE_NODE: '' }
    const put = await promisify(execFile)(script, ['put', 'demo-key', 'demo-value'], { cwd: tmpdir(), env })
    assert.is(put.stdout, 'OK\n')
    assert.is((await promisify(execFile)(script, ['get', 'demo-key'], { cwd: tmpdir(), env })).stdout, 'demo-value\n')
    // and by hand, through the printed DCACHE_DATA_DIR
    assert.is((await runCli(['get', 'demo-key'], { env: { DCACHE_DATA_DIR: seedDir } })).stdout, 'demo-value\n')

    demo.kill('SIGINT')
    assert.is(await exited, 0)
    assert.equal(pids.filter(isRunning), [], 'every node process is gone')
    assert.not.ok(existsSync(script), 'the script went with the data dir')
  } finally {
    if (demo.exitCode === null) demo.kill('SIGKILL')
    // on a failure, the nodes the demo started must not outlive it
    for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL')
  }
})

test.run()
