// Without node@22's install script, npm scripts silently fall back to the system Node 20.
if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`Node >= 22 required (got ${process.version}): the node@22 devDependency is not installed (were install scripts skipped?)`)
  process.exit(1)
}
