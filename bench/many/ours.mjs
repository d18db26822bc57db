#!/usr/bin/env node
// ipc-anywhere with many Node clients: `node bench/many/ours.mjs server <invoke|broadcast|broadcast-api>`.
import { fileURLToPath } from 'node:url';
import { ipcAnywhereHandlers } from '../suite/baseline-handlers.mjs';
import { clientUrl, role, runClients, scenario, serveClients } from './common.mjs';

if (role === 'server') {
  const { createMain, createServer } = await import('ipc-anywhere/main');
  const main = createMain({ logLevel: 'error' });
  ipcAnywhereHandlers(main.ipcMain);
  let onDone;
  main.ipcMain.on('done', (_event, pass) => onDone(pass));
  const server = await createServer({ main });
  await serveClients(fileURLToPath(import.meta.url), server.url, {
    clientCount: () => main.webContents.getAllWebContents().length,
    broadcast:
      scenario === 'broadcast-api'
        ? (pass, i) => main.broadcast('b', pass, i)
        : (pass, i) => {
            for (const contents of main.webContents.getAllWebContents()) contents.send('b', pass, i);
          },
    broadcastEnd(pass) {
      for (const contents of main.webContents.getAllWebContents()) contents.send('end', pass);
    },
    onDone: (listener) => {
      onDone = listener;
    },
  });
  await server.close();
  process.exit(0);
} else {
  const { createIpcRenderer, disconnect } = await import('ipc-anywhere/renderer');
  await runClients({
    async open() {
      const ipc = createIpcRenderer({ url: clientUrl });
      await ipc.invoke('rt', 0, 'hello');
      return {
        call: (i) => ipc.invoke('rt', i, 'hello'),
        onBroadcast(onMessage, onEnd) {
          ipc.on('b', (_event, pass, i) => onMessage(pass, i));
          ipc.on('end', (_event, pass) => onEnd(pass));
        },
        done: (pass) => ipc.send('done', pass),
        close: () => disconnect(ipc),
      };
    },
  });
}
