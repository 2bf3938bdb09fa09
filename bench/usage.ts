import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** With --help or -h: prints the bench script's opening comment (what it does and its flags) and exits. */
export function printUsageOnHelp (scriptUrl: string, argv = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return
  const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n')
  const end = lines.findIndex((line) => !line.startsWith('//'))
  console.log(lines.slice(0, end < 0 ? lines.length : end).map((line) => line.replace(/^\/\/ ?/, '')).join('\n'))
  process.exit(0)
}
