#!/usr/bin/env node
// Baseline: raw `ws` with many clients, JSON text frames as in bench/node/raw-ws.mjs; a broadcast
// serializes each round once and sends the string to every socket.
// `node bench/many/raw-ws.mjs server <invoke|broadcast>`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { rawCaller, rawReceiver } from '../suite/baseline-handlers.mjs';
import { clientUrl, role, runClients, serveClients } from './common.mjs';

if (role === 'server') {
  const httpServer = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  let onDone;
  wss.on('connection', (socket) => {
    const receive = rawReceiver((text) => socket.send(text));
    socket.on('message', (data, isBinary) => {
      // `done` is the broadcast scenario's own message; the rest is the shared raw protocol.
      if (!isBinary && data[2] === 100 && data.toString().startsWith('["done"')) {
        onDone(JSON.parse(data)[1]);
        return;
      }
      receive(data, isBinary);
    });
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const toAll = (text) => {
    for (const socket of wss.clients) socket.send(text);
  };
  await serveClients(fileURLToPath(import.meta.url), `ws://127.0.0.1:${httpServer.address().port}`, {
    clientCount: () => wss.clients.size,
    broadcast: (pass, i) => toAll(JSON.stringify(['b', pass, i])),
    broadcastEnd: (pass) => toAll(JSON.stringify(['end', pass])),
    onDone: (listener) => {
      onDone = listener;
    },
  });
  for (const socket of wss.clients) socket.terminate();
  httpServer.close();
  process.exit(0);
} else {
  await runClients({
    async open() {
      const socket = new WebSocket(clientUrl, { perMessageDeflate: false });
      const caller = rawCaller((text) => socket.send(text));
      let onMessage;
      let onEnd;
      socket.on('message', (data) => {
        const message = JSON.parse(data);
        if (message[0] === 'b') onMessage(message[1], message[2]);
        else if (message[0] === 'end') onEnd(message[1]);
        else caller.receive(data);
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      await caller.call('rt', 0, 'hello');
      return {
        call: (i) => caller.call('rt', i, 'hello'),
        onBroadcast(message, end) {
          onMessage = message;
          onEnd = end;
        },
        done: (pass) => socket.send(JSON.stringify(['done', pass])),
        close: () => socket.close(),
      };
    },
  });
}
