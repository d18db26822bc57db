#!/usr/bin/env node
// Baseline: socket.io 4 (server) and socket.io-client from a Node process, WebSocket transport only
// (its fastest), `emit` per message and `emitWithAck` for round trips.
// `node bench/node/socketio.mjs server <scenario>`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { socketIoHandlers } from '../suite/baseline-handlers.mjs';
import { clientUrl, idleMemory, memorySnapshot, role, runClient, serveOneClient } from './common.mjs';

if (role === 'server') {
  const { Server } = await import('socket.io');
  let before;
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  let connected = 0;
  io.on('connection', (socket) => {
    connected++;
    socketIoHandlers(socket);
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${httpServer.address().port}`;
  await serveOneClient(fileURLToPath(import.meta.url), url, {
    onWarm: () => {
      before = memorySnapshot();
      connected = 0;
    },
    onReady: () => idleMemory(before, connected),
  });
  io.close();
  process.exit(0);
} else {
  const { io } = await import('socket.io-client');
  const open = async () => {
    const socket = io(clientUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.emitWithAck('rt', 0, 'hello');
    return socket;
  };
  let socket;
  await runClient({
    async connect() {
      socket = await open();
    },
    send: (i) => socket.emit('m', i, 'hello'),
    sendObject: (value) => socket.emit('m', value),
    begin: () => socket.emitWithAck('begin'),
    finish: (n) => socket.emitWithAck('finish', n),
    roundTrip: (i, text) => socket.emitWithAck('rt', i, text),
    async connectIdle() {
      const idle = await open();
      return { close: () => idle.close() };
    },
    close: () => socket.close(),
  });
}
