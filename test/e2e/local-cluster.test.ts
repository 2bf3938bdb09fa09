// A LocalCluster's nodes end with the process that started them, even when it dies without calling stop() (an
// uncaught error, a closed stdout: `bench/cluster.ts | head` used to leave its three nodes running).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { existsSync, watch } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { PACKAGE_ROOT } from '../../src/common/package-root.js'
import { isRunning } from '../support/processes.js'

test('the nodes of a LocalCluster end when the process that started them dies of an uncaught error', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'dcache-orphan-'))
  let node: { pid: number, dataDir: string } | undefined
  try {
    const script = join(scratch, 'dies.mjs')
    await writeFile(script, [
      `import { LocalCluster } from ${JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'src/cli/local-cluster.ts')).href)}`,
      'const cluster = await LocalCluster.start({ nodes: 1 })',
      'console.log(JSON.stringify({ pid: cluster.nodes[0].pid, dataDir: cluster.nodes[0].dataDir }))',
      "throw new Error('dies without stop()')"
    ].join('\n'))
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => parent.once('exit', resolve))
    for await (const line of createInterface({ input: parent.stdout })) {
      node = JSON.parse(line) as { pid: number, dataDir: string }
      break
    }
    assert.ok(node !== undefined, 'the script printed its node')
    assert.is(await exited, 1)
    // the node leaves and stops: its local socket goes first (an event), then the process, within moments
    const socket = join(node.dataDir, 'node.sock')
    if (existsSync(socket)) {
      // bounded: a node that never stops must fail the test below, not hang it
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(giveUp); watcher.close(); resolve() }
        const giveUp = setTimeout(done, 15_000)
        const watcher = watch(node?.dataDir as string, () => { if (!existsSync(socket)) done() })
        if (!existsSync(socket)) done()
      })
    }
    for (let i = 0; i < 200 && isRunning(node.pid); i++) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.not.ok(isRunning(node.pid), 'the node did not outlive the process that started it')
  } finally {
    if (node !== undefined && isRunning(node.pid)) process.kill(node.pid, 'SIGKILL')
    if (node !== undefined) await rm(dirname(node.dataDir), { recursive: true, force: true })
    await rm(scratch, { recursive: true, force: true })
  }
})

test.run()
