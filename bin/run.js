#!/usr/bin/env node
// libp2p 3 and @oclif/core 5 need Node 22; fail with one clear line rather than a stack trace.
if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`dcache needs Node.js >= 22 (this is ${process.version}). Run it as \`npx dcache\` inside the project, which uses the pinned node@22.`)
  process.exit(1)
}
// The check above replaces oclif's own, which loads semver on every start.
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
// `dcache ... | head` closes the pipe early: end quietly, like other Unix tools, instead of a warning about an
// unsettled top-level await.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err
  process.exit()
})
// V8 keeps the compiled bundle on disk (in the OS temp dir): later starts skip most of its parsing.
const { enableCompileCache } = await import('node:module')
enableCompileCache()
// The CLI is one esbuild bundle (npm run build): oclif and every command, with libp2p in chunks loaded only by the
// commands that need them.
const { execute } = await import('../dist/bundle/dcache.js')
await execute({ dir: import.meta.url })
// A finished command has closed its client; libp2p's leftover timers would keep the process up for about a second.
process.exit()
