#!/usr/bin/env node
// ipc-anywhere worker-thread renderer: `node bench/worker/ours.mjs <scenario> [--quick]`.
import { createMain, createWorkerRenderer, workerOf } from 'ipc-anywhere/main';
import { ipcAnywhereHandlers } from '../suite/baseline-handlers.mjs';
import { report } from '../suite/proc.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const main = createMain({ logLevel: 'error' });
ipcAnywhereHandlers(main.ipcMain);
const contents = createWorkerRenderer(new URL('./renderer-ours.mjs', import.meta.url), {
  main,
  workerData: { scenario, quick },
});
const worker = workerOf(contents);
const result = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
});
report(result);
contents.close();
process.exit(0);
