// ipc-anywhere worker renderer (started by createWorkerRenderer).
import { ipcRenderer } from 'ipc-anywhere/renderer';
import { runWorkerScenario } from './renderer-common.mjs';

await runWorkerScenario({
  send: (i) => ipcRenderer.send('m', i, 'hello'),
  begin: () => ipcRenderer.invoke('begin'),
  finish: (n) => ipcRenderer.invoke('finish', n),
  invoke: (i, text) => ipcRenderer.invoke('rt', i, text),
  sendSync: (i, text) => ipcRenderer.sendSync('sync', i, text),
});
