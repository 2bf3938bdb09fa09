import { toConfiguredId, type Hook } from '@oclif/core'
import { EXIT, USAGE_CODE } from '../cli/exit-codes.js'
import { printFailure } from '../cli/failure.js'

/** `dcache gte a`: "unknown command gte; did you mean get?" in the CLI's one error format, exit 2. */
const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const { config } = opts
  // oclif joins every word into the id ("gte:a"): the unknown command is the known topics ("node") plus one word
  const words = opts.id.split(':')
  const topics = new Set(config.topics.map((t) => t.name))
  let length = 1
  while (length < words.length && topics.has(words.slice(0, length).join(':'))) length++
  const typed = toConfiguredId(words.slice(0, length).join(':'), config)
  const suggestion = closest(typed, config.commands.filter((c) => c.hidden !== true).map((c) => toConfiguredId(c.id, config)))
  printFailure({
    code: USAGE_CODE,
    exit: EXIT.USAGE,
    message: `unknown ${typed.startsWith('-') ? 'flag' : 'command'} ${typed}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`,
    hint: suggestion === undefined ? `see ${config.bin} --help` : undefined
  }, [...words, ...(opts.argv ?? [])].includes('--json'))
  this.exit(EXIT.USAGE)
}

export default commandNotFound

/** The candidate nearest to `typed` by edit distance, if it is near enough to be what was meant. */
function closest (typed: string, candidates: string[]): string | undefined {
  let best: { candidate: string, distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate)
    if (best === undefined || distance < best.distance) best = { candidate, distance }
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.candidate : undefined
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length] as number
}
