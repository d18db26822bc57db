#!/usr/bin/env node
// Baseline: two plain workers given the two ends of one MessageChannel through workerData.
// `node bench/worker/port-raw.mjs [--quick]`.
import { MessageChannel, Worker } from 'node:worker_threads';
import { report } from '../suite/proc.mjs';

const quick = process.argv.includes('--quick');
const { port1, port2 } = new MessageChannel();
const file = new URL('./port-renderer-raw.mjs', import.meta.url);
const receiver = new Worker(file, {
  workerData: { role: 'receiver', quick, port: port2 },
  transferList: [port2],
});
const sender = new Worker(file, {
  workerData: { role: 'sender', quick, port: port1 },
  transferList: [port1],
});
const result = await new Promise((resolve, reject) => {
  sender.once('message', resolve);
  sender.once('error', reject);
});
report(result);
await Promise.all([sender.terminate(), receiver.terminate()]);
process.exit(0);
