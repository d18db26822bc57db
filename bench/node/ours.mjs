#!/usr/bin/env node
// ipc-anywhere over WebSocket from a Node client process: `node bench/node/ours.mjs server <scenario>`.
import { fileURLToPath } from 'node:url';
import { ipcAnywhereHandlers } from '../suite/baseline-handlers.mjs';
import { clientUrl, idleMemory, memorySnapshot, role, runClient, serveOneClient } from './common.mjs';

if (role === 'server') {
  const { createMain, createServer } = await import('ipc-anywhere/main');
  const main = createMain({ logLevel: 'error' });
  ipcAnywhereHandlers(main.ipcMain);
  let before;
  let connected = 0;
  const server = await createServer({ main });
  server.on('web-contents-created', () => connected++);
  await serveOneClient(fileURLToPath(import.meta.url), server.url, {
    onWarm: () => {
      before = memorySnapshot();
      connected = 0;
    },
    onReady: () => idleMemory(before, connected),
  });
  await server.close();
  process.exit(0);
} else {
  const { createIpcRenderer, disconnect } = await import('ipc-anywhere/renderer');
  let ipc;
  await runClient({
    async connect() {
      ipc = createIpcRenderer({ url: clientUrl });
      await ipc.invoke('rt', 0, 'hello');
    },
    send: (i) => ipc.send('m', i, 'hello'),
    sendObject: (value) => ipc.send('m', value),
    sendBinary: (bytes) => ipc.send('bin', bytes),
    begin: () => ipc.invoke('begin'),
    finish: (n) => ipc.invoke('finish', n),
    roundTrip: (i, text) => ipc.invoke('rt', i, text),
    invokeBig: (value) => ipc.invoke('big', value),
    async connectIdle() {
      const renderer = createIpcRenderer({ url: clientUrl });
      await renderer.invoke('rt', 0, 'hello');
      return { close: () => disconnect(renderer) };
    },
    close: () => disconnect(ipc),
  });
}
