// Bundles the CLI (oclif, every command, and the code they load on demand) into dist/bundle/ with esbuild.
// Loading ~600 separate ESM files cost a `dcache get` more than half a second; one bundle parses in a few
// milliseconds. Commands come from src/commands/**/*.ts (the same files `npm run dev` finds), listed for oclif's
// "explicit" command discovery (package.json oclif.commands) and loaded on demand. Heavy modules a command imports with `await import()`
// (libp2p, blessed) become chunks of their own, so `--help` and light commands never load them.
import { readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { build } from 'esbuild'

const OUT_DIR = 'dist/bundle'
const COMMANDS_DIR = 'src/commands'

function commandFiles (dir) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return commandFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

// oclif's id of src/commands/node/start.ts is `node:start` (shown as `node start` with topicSeparator ' ').
const commands = commandFiles(COMMANDS_DIR).map((file, i) => ({
  id: relative(COMMANDS_DIR, file).replace(/\.ts$/, '').replace(/\/index$/, '').split('/').join(':'),
  name: `command${i}`,
  file: `./${file}`
}))

// Each command is a chunk of its own, imported by the init hook once oclif has named the command that runs (its
// flags and help come from oclif.manifest.json): importing every command up front loaded libp2p's crypto, msgpackr
// and yaml into every start, `dcache --version` included.
const entry = [
  "export { execute } from '@oclif/core'",
  // hooks come from the bundle too: a hook file of its own would load a second, unbundled oclif (~0.3 s)
  "export { default as commandNotFound } from './src/hooks/command-not-found.ts'",
  `const LOADERS = {\n${commands.map((c) => `  '${c.id}': () => import('${c.file}')`).join(',\n')}\n}`,
  '/** The command classes oclif finds by id (package.json oclif.commands): the ones loaded so far. */',
  'export const COMMANDS = {}',
  '/** Loads the commands `ids` (default: all of them, for scripts/manifest.js) into COMMANDS. */',
  'export async function loadCommands (ids = Object.keys(LOADERS)) {',
  '  await Promise.all(ids.map(async (id) => { COMMANDS[id] = (await LOADERS[id]()).default }))',
  '}',
  '/** The init hook: loads the command that is about to run (findCommand resolves aliases), if there is one. */',
  'export async function init (opts) {',
  "  const id = opts.id === undefined ? undefined : opts.config.findCommand(opts.id)?.id",
  '  if (id !== undefined && id in LOADERS) await loadCommands([id])',
  '}'
].join('\n')

rmSync(OUT_DIR, { recursive: true, force: true })
// The entry is generated, not a file: a plugin hands it to esbuild (stdin cannot be split into chunks).
const generatedEntry = {
  name: 'dcache-cli-entry',
  setup (b) {
    b.onResolve({ filter: /^dcache-cli-entry$/ }, () => ({ path: 'dcache-cli-entry', namespace: 'dcache-cli-entry' }))
    b.onLoad({ filter: /.*/, namespace: 'dcache-cli-entry' }, () => ({ contents: entry, resolveDir: process.cwd(), loader: 'js' }))
  }
}

await build({
  // load-worker: the process `dcache bench --workers K` forks K times (src/client/load-workers.ts finds it here)
  entryPoints: { dcache: 'dcache-cli-entry', 'load-worker': 'src/client/load-worker.ts' },
  plugins: [generatedEntry],
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  // Maps for NODE_OPTIONS=--enable-source-maps; they point at src/ and node_modules/ rather than embedding them.
  sourcemap: true,
  sourcesContent: false,
  // Bundled CommonJS packages (oclif and its dependencies) call require() for Node's built-ins and their JSON files.
  banner: { js: "import { createRequire as __dcacheCreateRequire } from 'node:module'; const require = __dcacheCreateRequire(import.meta.url);" },
  // blessed reads its terminfo files relative to its own directory and requires widgets by computed names.
  // msgpackr-extract finds its native addon relative to its own directory, too.
  external: ['blessed', 'blessed-contrib', 'msgpackr-extract'],
  logLevel: 'warning'
})
console.log(`bundled ${commands.length} commands into ${OUT_DIR}/dcache.js, and the load worker into ${OUT_DIR}/load-worker.js`)
