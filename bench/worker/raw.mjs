#!/usr/bin/env node
// Baseline: bare MessagePorts + SharedArrayBuffer/Atomics (see renderer-raw.mjs), or, for sendSync
// with `--synckit`, synckit (main blocks on a worker: the same machinery in the other direction).
// `node bench/worker/raw.mjs <scenario> [--synckit] [--quick]`.
import { MessageChannel, Worker } from 'node:worker_threads';
import { SMALL_TEXT, syncRoundTrips } from '../suite/drive.mjs';
import { report } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');

if (process.argv.includes('--synckit')) {
  const { createSyncFn } = await import('synckit');
  const call = createSyncFn(new URL('./synckit-worker.mjs', import.meta.url).pathname);
  call(0, SMALL_TEXT);
  report(syncRoundTrips((i) => call(i, SMALL_TEXT), sizes(quick).roundTrip));
  process.exit(0);
}

const data = new MessageChannel();
const reply = new MessageChannel();
const state = new Int32Array(new SharedArrayBuffer(4));
let counted = 0;
data.port1.on('message', (message) => {
  switch (message[0]) {
    case 'm':
      counted++;
      return;
    case 'sync':
      reply.port1.postMessage([message[2], message[3]]);
      Atomics.add(state, 0, 1);
      Atomics.notify(state, 0);
      return;
    case 'rt':
      data.port1.postMessage([message[1], [message[2], message[3]]]);
      return;
    case 'begin':
      counted = 0;
      data.port1.postMessage([message[1], true]);
      return;
    case 'finish':
      data.port1.postMessage([message[1], counted]);
      return;
  }
});
data.port1.unref();
const worker = new Worker(new URL('./renderer-raw.mjs', import.meta.url), {
  workerData: { port: data.port2, replyPort: reply.port2, state, scenario, quick },
  transferList: [data.port2, reply.port2],
});
const result = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
report(result);
await worker.terminate();
process.exit(0);
