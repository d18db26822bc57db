#!/usr/bin/env node
// ipc-anywhere/redis: `node bench/cluster/ours.mjs send|sendTo` (main A), `... peer <redisUrl> <prefix>`
// (main B). See common.mjs for what is measured.
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

const { createMain, createServer } = await import('ipc-anywhere/main');
const { redisCluster } = await import('ipc-anywhere/redis');
const logger = console;

async function startMain(url, prefix) {
  const cluster = redisCluster({ url, prefix });
  const main = createMain({ logger, cluster });
  main.ipcMain.handle('whoami', (event) => event.sender.id);
  await cluster.ready;
  const server = await createServer({ main });
  return { main, server };
}

if (role === 'peer') {
  const { server } = await startMain(peerRedisUrl, peerPrefix);
  peerListening(server.url);
} else {
  const { createIpcRenderer } = await import('ipc-anywhere/renderer');
  const redis = await startRedis();
  const peerUrl = await startPeer(fileURLToPath(import.meta.url), redis);
  const { main, server } = await startMain(redis.url, redis.prefix);
  const connect = async (url) => {
    const renderer = createIpcRenderer({ url });
    return { renderer, id: await renderer.invoke('whoami') };
  };
  const sender = await connect(server.url);
  const receiver = await connect(peerUrl);
  const answerer = await connect(peerUrl);

  // A learns of B's renderers through Redis (a few ms).
  const deadline = Date.now() + 10_000;
  while (!main.webContents.fromId(receiver.id) || !main.webContents.fromId(answerer.id)) {
    if (Date.now() > deadline) throw new Error('main A never listed the renderers of main B');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const target = main.webContents.fromId(receiver.id);
  const arrivals = counter();
  receiver.renderer.on('m', () => arrivals.hit());

  answerer.renderer.on('ping', (event, i) => answerer.renderer.sendTo(event.senderId, 'pong', i));
  let pending;
  sender.renderer.on('pong', (_event, i) => {
    if (pending?.i === i) pending.resolve();
  });

  await measure(role, {
    send: (i) => target.send('m', i, SMALL_TEXT),
    arrivals,
    roundTrip: (i) =>
      new Promise((resolve) => {
        pending = { i, resolve };
        sender.renderer.sendTo(answerer.id, 'ping', i);
      }),
  });
  redis.stop();
  process.exit(0);
}
