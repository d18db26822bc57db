#!/usr/bin/env node
// Baseline: raw `ws` (with bufferutil), one `ws.send` of a JSON string per message, binary frames for
// bytes, JSON request/response with ids for round trips. `node bench/node/raw-ws.mjs server <scenario>`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { rawCaller, rawReceiver } from '../suite/baseline-handlers.mjs';
import { clientUrl, idleMemory, memorySnapshot, role, runClient, serveOneClient } from './common.mjs';

if (role === 'server') {
  let before;
  const httpServer = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  let connected = 0;
  wss.on('connection', (socket) => {
    connected++;
    const receive = rawReceiver((text) => socket.send(text));
    socket.on('message', receive);
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${httpServer.address().port}`;
  await serveOneClient(fileURLToPath(import.meta.url), url, {
    onWarm: () => {
      before = memorySnapshot();
      connected = 0;
    },
    onReady: () => idleMemory(before, connected),
  });
  for (const socket of wss.clients) socket.terminate();
  httpServer.close();
  process.exit(0);
} else {
  const open = async () => {
    const socket = new WebSocket(clientUrl, { perMessageDeflate: false });
    const caller = rawCaller((text) => socket.send(text));
    socket.on('message', (data) => caller.receive(data));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await caller.call('rt', 0, 'hello');
    return { socket, caller };
  };
  let socket;
  let caller;
  await runClient({
    async connect() {
      ({ socket, caller } = await open());
    },
    send: (i) => socket.send(JSON.stringify(['m', i, 'hello'])),
    sendObject: (value) => socket.send(JSON.stringify(['m', value])),
    sendBinary: (bytes) => socket.send(bytes),
    begin: () => caller.call('begin'),
    finish: (n) => caller.call('finish', n),
    roundTrip: (i, text) => caller.call('rt', i, text),
    invokeBig: (value) => caller.call('big', value),
    async connectIdle() {
      const idle = await open();
      return { close: () => idle.socket.close() };
    },
    close: () => socket.close(),
  });
}
