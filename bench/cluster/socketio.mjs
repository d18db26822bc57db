#!/usr/bin/env node
// Baseline: socket.io 4 with @socket.io/redis-adapter (node-redis clients), WebSocket transport only.
// `node bench/cluster/socketio.mjs send|sendTo` (server A), `... peer <redisUrl> <prefix>` (server B).
// A message to a socket of the other server is `io.to(socketId).emit(...)`; a client-to-client message
// is a `relay` event that the server forwards the same way. See common.mjs for what is measured.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  counter,
  measure,
  peerListening,
  peerPrefix,
  peerRedisUrl,
  role,
  SMALL_TEXT,
  startPeer,
  startRedis,
} from './common.mjs';

const { Server } = await import('socket.io');
const { createAdapter } = await import('@socket.io/redis-adapter');
const { createClient } = await import('redis');

async function startServer(url, prefix) {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', console.error);
  sub.on('error', console.error);
  await Promise.all([pub.connect(), sub.connect()]);
  const httpServer = createServer();
  const io = new Server(httpServer, {
    serveClient: false,
    adapter: createAdapter(pub, sub, { key: prefix }),
  });
  io.on('connection', (socket) => {
    socket.on('relay', (to, event, ...args) => io.to(to).emit(event, socket.id, ...args));
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return { io, url: `http://127.0.0.1:${httpServer.address().port}` };
}

if (role === 'peer') {
  const { url } = await startServer(peerRedisUrl, peerPrefix);
  peerListening(url);
} else {
  const { io: connect } = await import('socket.io-client');
  const redis = await startRedis();
  const peerUrl = await startPeer(fileURLToPath(import.meta.url), redis);
  const { io, url } = await startServer(redis.url, redis.prefix);
  const open = async (where) => {
    const socket = connect(where, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  };
  const sender = await open(url);
  const receiver = await open(peerUrl);
  const answerer = await open(peerUrl);
  // B subscribes to Redis while A starts: wait until a message from A to B gets through.
  await new Promise((resolve) => {
    const timer = setInterval(() => io.to(receiver.id).emit('hello'), 20);
    receiver.once('hello', () => {
      clearInterval(timer);
      resolve();
    });
  });
  const arrivals = counter();
  receiver.on('m', () => arrivals.hit());

  answerer.on('ping', (from, i) => answerer.emit('relay', from, 'pong', i));
  let pending;
  sender.on('pong', (_from, i) => {
    if (pending?.i === i) pending.resolve();
  });

  await measure(role, {
    send: (i) => io.to(receiver.id).emit('m', i, SMALL_TEXT),
    arrivals,
    roundTrip: (i) =>
      new Promise((resolve) => {
        pending = { i, resolve };
        sender.emit('relay', answerer.id, 'ping', i);
      }),
  });
  redis.stop();
  process.exit(0);
}
