// Runs every test/**/*.test.ts file as its own uvu process (a leaked handle in one file cannot hang the rest),
// DCACHE_TEST_JOBS files at a time (default 2: most files wait on timers and sockets, not on a core), each file's
// output printed whole when it ends, then prints one plain closing line: `N passed, N failed, N skipped`.
// Usage: npm test [-- PATTERN...]   (PATTERN is a substring of the test file path)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const FILE_TIMEOUT_MS = Number(process.env.DCACHE_TEST_FILE_TIMEOUT_MS ?? 120_000)
const JOBS = Math.max(1, Number(process.env.DCACHE_TEST_JOBS ?? 2))
const patterns = process.argv.slice(2)

function findTests (dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'support' ? [] : findTests(path)
    return path.endsWith('.test.ts') ? [path] : []
  })
}

const running = new Set() // the test processes now running, so an interrupted run can end them with their children

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    process.exit(130)
  })
}

/** Runs one test file; resolves with its counts and its whole output (stdout and stderr as they came). */
function runFile (file) {
  return new Promise((resolve) => {
    // detached: its own process group, so a hung file is killed together with the nodes it started
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0' }
    })
    running.add(child)
    let out = ''
    let log = ''
    child.stdout.on('data', (d) => { out += d; log += d })
    child.stderr.on('data', (d) => { log += d })
    const timer = setTimeout(() => {
      log += `\n${file}: timed out after ${FILE_TIMEOUT_MS} ms, killing it and its children\n`
      process.kill(-child.pid, 'SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      running.delete(child)
      const count = (label) => Number(out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN)
      const total = count('Total'); const passed = count('Passed'); const skipped = count('Skipped')
      // uvu reports no error for a failed before/after hook: it only prints fewer passed than total
      if (total > passed && !log.includes('FAIL')) log += `\n${file}: ${total - passed} test(s) did not pass and uvu printed no error: a before or after hook failed\n`
      if (Number.isNaN(total)) resolve({ passed: 0, failed: 1, skipped: 0, code, log })
      else resolve({ passed, failed: Math.max(total - passed, code === 0 ? 0 : 1), skipped, code, log })
    })
  })
}

const files = findTests('test').filter((f) => patterns.length === 0 || patterns.some((p) => f.includes(p)))
const sums = { passed: 0, failed: 0, skipped: 0 }
const failedFiles = []
const started = Date.now()
const queue = [...files]
async function worker () {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const r = await runFile(file)
    process.stdout.write(`\n# ${relative(process.cwd(), file)}\n${r.log}`)
    sums.passed += r.passed; sums.failed += r.failed; sums.skipped += r.skipped
    if (r.failed > 0) failedFiles.push(file)
  }
}
await Promise.all(Array.from({ length: JOBS }, worker))
if (files.length === 0) { console.log('no test files matched'); sums.failed = 1 }
console.log(`\n${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s${failedFiles.length ? `; failing: ${failedFiles.join(', ')}` : ''}`)
console.log(`${sums.passed} passed, ${sums.failed} failed, ${sums.skipped} skipped`)
process.exit(sums.failed > 0 ? 1 : 0)
