// Runs every test/**/*.test.ts file as its own uvu process (a leaked handle in one file cannot hang the rest),
// then prints one plain closing line: `N passed, N failed, N skipped`.
// Usage: npm test [-- PATTERN...]   (PATTERN is a substring of the test file path)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const FILE_TIMEOUT_MS = Number(process.env.DCACHE_TEST_FILE_TIMEOUT_MS ?? 120_000)
const patterns = process.argv.slice(2)

function findTests (dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'support' ? [] : findTests(path)
    return path.endsWith('.test.ts') ? [path] : []
  })
}

let running // the test process now running, so an interrupted run can end it with its children

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (running?.exitCode === null) process.kill(-running.pid, 'SIGKILL')
    process.exit(130)
  })
}

function runFile (file) {
  return new Promise((resolve) => {
    // detached: its own process group, so a hung file is killed together with the nodes it started
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0' }
    })
    running = child
    let out = ''
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d) })
    child.stderr.on('data', (d) => { process.stderr.write(d) })
    const timer = setTimeout(() => {
      process.stderr.write(`\n${file}: timed out after ${FILE_TIMEOUT_MS} ms, killing it and its children\n`)
      process.kill(-child.pid, 'SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      const count = (label) => Number(out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN)
      const total = count('Total'); const passed = count('Passed'); const skipped = count('Skipped')
      if (Number.isNaN(total)) resolve({ passed: 0, failed: 1, skipped: 0, code })
      else resolve({ passed, failed: Math.max(total - passed, code === 0 ? 0 : 1), skipped, code })
    })
  })
}

const files = findTests('test').filter((f) => patterns.length === 0 || patterns.some((p) => f.includes(p)))
const sums = { passed: 0, failed: 0, skipped: 0 }
const failedFiles = []
const started = Date.now()
for (const file of files) {
  process.stdout.write(`\n# ${relative(process.cwd(), file)}\n`)
  const r = await runFile(file)
  sums.passed += r.passed; sums.failed += r.failed; sums.skipped += r.skipped
  if (r.failed > 0) failedFiles.push(file)
}
if (files.length === 0) { console.log('no test files matched'); sums.failed = 1 }
console.log(`\n${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s${failedFiles.length ? `; failing: ${failedFiles.join(', ')}` : ''}`)
console.log(`${sums.passed} passed, ${sums.failed} failed, ${sums.skipped} skipped`)
process.exit(sums.failed > 0 ? 1 : 0)
