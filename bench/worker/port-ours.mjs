#!/usr/bin/env node
// ipc-anywhere: two worker renderers given the two ends of one MessageChannelMain (they then talk
// directly, worker to worker). `node bench/worker/port-ours.mjs [--quick]`.
import { createMain, createWorkerRenderer, MessageChannelMain, workerOf } from 'ipc-anywhere/main';
import { report } from '../suite/proc.mjs';

const quick = process.argv.includes('--quick');
const main = createMain({ logLevel: 'error' });
const file = new URL('./port-renderer-ours.mjs', import.meta.url);
const sender = createWorkerRenderer(file, { main, workerData: { role: 'sender', quick } });
const receiver = createWorkerRenderer(file, { main, workerData: { role: 'receiver', quick } });
const { port1, port2 } = new MessageChannelMain();
receiver.postMessage('port', null, [port2]);
sender.postMessage('port', null, [port1]);
const worker = workerOf(sender);
const result = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
});
report(result);
sender.close();
receiver.close();
process.exit(0);
