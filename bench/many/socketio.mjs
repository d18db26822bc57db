#!/usr/bin/env node
// Baseline: socket.io 4 with many clients (WebSocket transport only), `emitWithAck` round trips and
// `io.emit` broadcasts. `node bench/many/socketio.mjs server <invoke|broadcast>`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { socketIoHandlers } from '../suite/baseline-handlers.mjs';
import { clientUrl, role, runClients, serveClients } from './common.mjs';

if (role === 'server') {
  const { Server } = await import('socket.io');
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  let onDone;
  io.on('connection', (socket) => {
    socketIoHandlers(socket);
    socket.on('done', (pass) => onDone(pass));
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  await serveClients(fileURLToPath(import.meta.url), `http://127.0.0.1:${httpServer.address().port}`, {
    clientCount: () => io.engine.clientsCount,
    broadcast: (pass, i) => io.emit('b', pass, i),
    broadcastEnd: (pass) => io.emit('end', pass),
    onDone: (listener) => {
      onDone = listener;
    },
  });
  io.close();
  process.exit(0);
} else {
  const { io } = await import('socket.io-client');
  await runClients({
    async open() {
      const socket = io(clientUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      await socket.emitWithAck('rt', 0, 'hello');
      return {
        call: (i) => socket.emitWithAck('rt', i, 'hello'),
        onBroadcast(onMessage, onEnd) {
          socket.on('b', onMessage);
          socket.on('end', onEnd);
        },
        done: (pass) => socket.emit('done', pass),
        close: () => socket.close(),
      };
    },
  });
}
