// A worker process of LoadGenerator (`dcache bench --workers K`), forked with an IPC channel: it connects a client of
// its own when told, runs its share of each test when told (all workers get "run" at once), and sends back what it
// measured. It prints nothing, and ends when told to close or when the generator's process goes (its channel closes).
import { errorToWire } from '../common/errors.js'
import { connectClient } from './connect.js'
import { measureLoad } from './load-generator.js'
import type { DistributedCache } from './distributed-cache.js'
import type { FromWorker, ToWorker } from './load-workers.js'

let client: DistributedCache | undefined

function send (message: FromWorker): void {
  process.send?.(message)
}

async function handle (message: ToWorker): Promise<void> {
  switch (message.kind) {
    case 'connect':
      client = await connectClient(message.connect.addresses, message.connect.options)
      send({ kind: 'connected' })
      return
    case 'run': {
      if (client === undefined) throw new Error('run before connect')
      const { consistency, progress, collectWritten, ...test } = message.init
      const written = collectWritten ? new Set<string>() : undefined
      const samples = await measureLoad(consistency === undefined ? client : client.at(consistency), {
        ...test,
        written,
        onProgress: progress ? (done) => { send({ kind: 'progress', done }) } : undefined
      })
      send({ kind: 'measured', samples, ...(written === undefined ? {} : { written: [...written] }) })
      return
    }
    case 'close':
      // not awaited, as the CLI does not: the node sees the connection end either way
      client?.close().catch(() => {})
      process.exit()
  }
}

process.on('message', (message: ToWorker) => {
  handle(message).catch((err: unknown) => { send({ kind: 'failed', error: errorToWire(err) }) })
})
// the generator has gone (it ended, or was killed): nobody is left to report to
process.on('disconnect', () => { process.exit() })
