// The two servers the diagnostic tools (bench/node/gc-tail.mjs and large-upload.mjs,
// bench/memory/heap-breakdown.mjs) put side by side, each answering the bench's requests as the suite's
// baselines do, and a raw client.
import { createServer } from 'node:http';
import { ipcAnywhereHandlers, rawCaller, rawReceiver } from './baseline-handlers.mjs';

/** ipc-anywhere's main with the bench's handlers (and `options` for createMain): `{ url, close }`. */
export async function startIpcAnywhere(options = {}) {
  const { createMain, createServer: createIpcServer, MessageChannelMain } = await import('ipc-anywhere/main');
  const main = createMain({ logLevel: 'error', ...options });
  ipcAnywhereHandlers(main.ipcMain, MessageChannelMain);
  const server = await createIpcServer({ main });
  return { url: server.url, close: () => server.close() };
}

/**
 * A raw `ws` server speaking the baselines' JSON protocol: `{ url, close }`. `onBinary(data)`, when
 * given, also sees each binary frame (the baselines only count them).
 */
export async function startRawWs({ onBinary } = {}) {
  const { WebSocketServer } = await import('ws');
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    const receive = rawReceiver((text) => socket.send(text));
    socket.on(
      'message',
      onBinary === undefined
        ? receive
        : (data, isBinary) => {
            if (isBinary) onBinary(data);
            receive(data, isBinary);
          },
    );
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${http.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        http.close(resolve);
      }),
  };
}

/** A raw `ws` client of {@link startRawWs}, once open: `call(name, ...args)` resolves with the reply. */
export async function openRawWs(url) {
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const caller = rawCaller((text) => socket.send(text));
  socket.on('message', (data) => caller.receive(data));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, call: caller.call };
}
