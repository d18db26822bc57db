/**
 * `ipc-anywhere/renderer` in Node.js (export condition `node`): a worker thread started with
 * `createWorkerRenderer` connects by itself; any other Node process connects with `connect({ url })`.
 * @packageDocumentation
 */

export {
  connect,
  createIpcRenderer,
  disconnect,
  type NodeConnectOptions,
} from './api/renderer-connect.node.js';
export * from './renderer.js';

import { ipcRenderer } from './api/ipc-renderer.js';
import { refuseCallsBeforeConnect } from './api/renderer-connect.node.js';
import { connectSpawnedWorker } from './api/worker-auto-connect.js';

connectSpawnedWorker(ipcRenderer);
refuseCallsBeforeConnect(ipcRenderer);
