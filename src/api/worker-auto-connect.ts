import { isMainThread } from 'node:worker_threads';
import { attachTransport, type IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import { takeWorkerHandoff } from '../transports/worker/handoff.js';
import { WorkerRendererTransport } from '../transports/worker/renderer-transport.js';

/**
 * Called once by `ipc-anywhere/renderer` (Node variant) when it loads: inside a worker started by
 * `createWorkerRenderer`, connects `renderer` to main with the ports the bootstrap received (and the
 * deadlines main chose). Anywhere else it does nothing, and the renderer waits for `connect()`.
 */
export function connectSpawnedWorker(renderer: IpcRenderer): void {
  if (isMainThread) return;
  const handoff = takeWorkerHandoff();
  if (!handoff) return;
  const transport = new WorkerRendererTransport(handoff.port, handoff.syncPort, handoff.state);
  attachTransport(renderer, transport, handoff.defaults);
}
