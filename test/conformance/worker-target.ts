import type { Worker } from 'node:worker_threads';
import { createMain } from '../../src/main.js';
import { startEvalRenderer } from '../transports/worker/worker-harness.js';
import { recordingLogger, type TargetFactory } from './harness.js';

/** Each renderer is a worker thread (createWorkerRenderer) running a generic script-evaluating fixture. */
export const workerTarget: TargetFactory = {
  name: 'worker',
  capabilities: { asyncSyncReply: true },
  async create() {
    const { logger, log } = recordingLogger();
    const main = createMain({ logger, syncReplyTimeout: 2_000 });
    const workers: Worker[] = [];
    return {
      ipcMain: main.ipcMain,
      webContents: main.webContents,
      log,
      async createRenderer() {
        const handle = startEvalRenderer(main);
        workers.push(handle.worker);
        return handle;
      },
      async close() {
        main.closeAllRenderers();
        await Promise.all(workers.map((worker) => worker.terminate()));
      },
    };
  },
};
