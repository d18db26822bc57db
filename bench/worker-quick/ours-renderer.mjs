// ipc-anywhere worker renderer for bench/worker-quick.mjs: runs the measurement it is told to run.
import { parentPort } from 'node:worker_threads';
import { ipcRenderer } from 'ipc-anywhere/renderer';
import { oneWay, timeAsync, timeSync } from './measure.mjs';

parentPort.on('message', async ({ kind, n, burst }) => {
  if (kind === 'sync') parentPort.postMessage(timeSync(n, (i) => ipcRenderer.sendSync('sync', i, 'hello')));
  else if (kind === 'invoke')
    parentPort.postMessage(await timeAsync(n, (i) => ipcRenderer.invoke('invoke', i, 'hello')));
  else if (kind === 'oneway')
    parentPort.postMessage(await oneWay(n, burst, (i) => ipcRenderer.send('oneway', i, 'hello')));
});
