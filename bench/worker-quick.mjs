#!/usr/bin/env node
// Quick worker-transport numbers, all measured in the same run (needs `npm run build`: imports dist/):
//   sendSync round trip (p50)  ipc-anywhere vs raw MessagePort + SharedArrayBuffer/Atomics.wait +
//                              receiveMessageOnPort, and vs synckit (main blocks on a worker there; the
//                              round trip is the same machinery in the other direction)
//   invoke round trip (p50)    ipc-anywhere vs a raw postMessage echo awaited by a Promise
//   one-way messages/s         ipc-anywhere `send` (coalesced per tick) vs one raw postMessage each
// Every call carries (i, 'hello'). `node bench/worker-quick.mjs [--n 20000] [--oneway 200000]`.
import { MessageChannel, Worker } from 'node:worker_threads';
import { createSyncFn } from 'synckit';
import { createMain, createWorkerRenderer, workerOf } from '../dist/main.js';
import { timeSync } from './worker-quick/measure.mjs';

const argValue = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const N = argValue('--n', 20_000);
const ONE_WAY = argValue('--oneway', 200_000);
const BURST = argValue('--burst', 100);

const ask = (worker, command) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(command);
  });

/** Runs the one-way series; messages/s from the command until main has received the last message. */
async function oneWayRate(worker, arrivals) {
  const start = performance.now();
  const allArrived = new Promise((resolve) => {
    arrivals.onDone = () => resolve(ONE_WAY / ((performance.now() - start) / 1000));
    arrivals.count = 0;
  });
  const [rate] = await Promise.all([allArrived, ask(worker, { kind: 'oneway', n: ONE_WAY, burst: BURST })]);
  return rate;
}
const arrivalCounter = () => {
  const arrivals = { count: 0, onDone: () => {} };
  arrivals.tick = () => {
    if (++arrivals.count === ONE_WAY) arrivals.onDone();
  };
  return arrivals;
};

// ipc-anywhere
const main = createMain();
const oursArrivals = arrivalCounter();
main.ipcMain.on('sync', (event, i, text) => {
  event.returnValue = [i, text];
});
main.ipcMain.handle('invoke', (_event, i, text) => [i, text]);
main.ipcMain.on('oneway', oursArrivals.tick);
const contents = createWorkerRenderer(new URL('./worker-quick/ours-renderer.mjs', import.meta.url), { main });
const ours = workerOf(contents);

// raw MessagePort + Atomics
const data = new MessageChannel();
const reply = new MessageChannel();
const state = new Int32Array(new SharedArrayBuffer(4));
const rawArrivals = arrivalCounter();
data.port1.on('message', ([kind, args, id]) => {
  if (kind === 'sync') {
    reply.port1.postMessage(args);
    Atomics.add(state, 0, 1);
    Atomics.notify(state, 0);
  } else if (kind === 'invoke') data.port1.postMessage([id, args]);
  else rawArrivals.tick();
});
data.port1.unref();
const raw = new Worker(new URL('./worker-quick/raw-renderer.mjs', import.meta.url), {
  workerData: { port: data.port2, replyPort: reply.port2, state },
  transferList: [data.port2, reply.port2],
});

// synckit
const synckitCall = createSyncFn(new URL('./worker-quick/synckit-worker.mjs', import.meta.url).pathname);

const results = {};
for (const round of [1, 2]) {
  const r = {
    syncOurs: await ask(ours, { kind: 'sync', n: N }),
    syncRaw: await ask(raw, { kind: 'sync', n: N }),
    syncSynckit: timeSync(N, (i) => synckitCall(i, 'hello')),
    invokeOurs: await ask(ours, { kind: 'invoke', n: N }),
    invokeRaw: await ask(raw, { kind: 'invoke', n: N }),
    oneWayOurs: await oneWayRate(ours, oursArrivals),
    oneWayRaw: await oneWayRate(raw, rawArrivals),
  };
  if (round === 2) Object.assign(results, r); // round 1 warms everything up
}

const us = (x) => `${x.toFixed(1)} µs`;
const ratio = (a, b) => (a / b).toFixed(2);
console.log(
  `Node ${process.version}, ${N} calls per round trip series, ${ONE_WAY} one-way messages (bursts of ${BURST})`,
);
console.table({
  'sendSync p50': {
    'ipc-anywhere': us(results.syncOurs.p50),
    raw: us(results.syncRaw.p50),
    synckit: us(results.syncSynckit.p50),
    'vs raw (target <= 1.2)': ratio(results.syncOurs.p50, results.syncRaw.p50),
    'vs synckit (target <= 1.0)': ratio(results.syncOurs.p50, results.syncSynckit.p50),
  },
  'sendSync p99': {
    'ipc-anywhere': us(results.syncOurs.p99),
    raw: us(results.syncRaw.p99),
    synckit: us(results.syncSynckit.p99),
  },
  'invoke p50': {
    'ipc-anywhere': us(results.invokeOurs.p50),
    raw: us(results.invokeRaw.p50),
    'vs raw (target <= 1.2)': ratio(results.invokeOurs.p50, results.invokeRaw.p50),
  },
  'one-way msg/s': {
    'ipc-anywhere': Math.round(results.oneWayOurs).toLocaleString('en'),
    raw: Math.round(results.oneWayRaw).toLocaleString('en'),
    'vs raw (target >= 2)': ratio(results.oneWayOurs, results.oneWayRaw),
  },
});

contents.close();
await Promise.all([ours.terminate(), raw.terminate()]);
process.exit(0);
