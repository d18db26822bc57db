import { fileURLToPath } from 'node:url';
import { MessageChannel, type ResourceLimits, Worker, type WorkerOptions } from 'node:worker_threads';
import type { MainTransport } from '../transport.js';
import {
  BOOTSTRAP_SOURCE,
  BOOTSTRAP_TAG,
  type BootstrapMessage,
  type WorkerConnectionDefaults,
} from './handoff.js';
import { WorkerMainTransport } from './main-transport.js';
import { createSyncState } from './sync-state.js';

export interface SpawnWorkerOptions {
  /** Passed to the worker untouched when present (absent and `undefined` stay distinguishable). */
  readonly workerData?: unknown;
  readonly env?: WorkerOptions['env'];
  readonly execArgv?: string[];
  readonly resourceLimits?: ResourceLimits;
  readonly defaults: WorkerConnectionDefaults;
  /** ms between main closing the connection and `worker.terminate()`; 0 terminates at once. */
  readonly closeTimeout: number;
}

/**
 * Starts a worker thread running the module at `entry` with its connection to main already in place
 * (see handoff.ts for how the ports get there) and returns main's end of that connection.
 */
export function spawnWorkerRenderer(
  entry: URL,
  options: SpawnWorkerOptions,
): { worker: Worker; transport: MainTransport } {
  const data = new MessageChannel();
  const sync = new MessageChannel();
  const state = createSyncState();
  const workerOptions: WorkerOptions = { eval: true };
  if ('workerData' in options) workerOptions.workerData = options.workerData;
  if (options.env !== undefined) workerOptions.env = options.env;
  if (options.execArgv !== undefined) workerOptions.execArgv = options.execArgv;
  if (options.resourceLimits !== undefined) workerOptions.resourceLimits = options.resourceLimits;
  const worker = new Worker(BOOTSTRAP_SOURCE, workerOptions);
  const bootstrap: BootstrapMessage = {
    tag: BOOTSTRAP_TAG,
    url: entry.href,
    path: entry.protocol === 'file:' ? fileURLToPath(entry) : undefined,
    connection: { port: data.port2, syncPort: sync.port2, state, defaults: options.defaults },
  };
  // First message on the Worker, posted before anyone else can hold it: the bootstrap takes it.
  worker.postMessage(bootstrap, [data.port2, sync.port2]);
  const transport = new WorkerMainTransport(worker, data.port1, sync.port1, state, options.closeTimeout);
  return { worker, transport };
}
