import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createWorkerRenderer, type WebContents, workerOf } from '../../../src/main.js';

const CALLS = 100_000;
const LATE_TIMEOUT = 5;

describe('worker sendSync reliability', () => {
  let contents: WebContents | undefined;

  afterEach(async () => {
    if (contents) {
      const worker = workerOf(contents)!;
      contents.close();
      await worker.terminate();
    }
  });

  it(`returns every reply to its own call over ${CALLS.toLocaleString('en')} sequential round trips with random reply delays and timeouts`, async () => {
    const main = createMain({ logger: { warn: () => {}, error: () => {} } });
    let requests = 0;
    main.ipcMain.on('round-trip', (event, i: number, mode: number) => {
      requests += 1;
      const answer = () => {
        event.returnValue = { i, mode };
      };
      if (mode === 0) answer();
      else if (mode === 1) queueMicrotask(answer);
      else if (mode === 2) setImmediate(answer);
      else if (mode === 3) setTimeout(answer, 0);
      else setTimeout(answer, LATE_TIMEOUT * 4); // arrives while later calls are waiting
    });
    contents = createWorkerRenderer(new URL('./fixtures/sync-reliability.mjs', import.meta.url), {
      main,
      workerData: { calls: CALLS, seed: 0x5eed, lateTimeout: LATE_TIMEOUT },
    });
    const worker = workerOf(contents)!;
    const result = await new Promise<{
      ok: number;
      timedOut: number;
      wrong: number;
      errors: string[];
      tooLateCalls: number;
      ms: number;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(result.errors).toEqual([]);
    expect(result.wrong).toBe(0);
    expect(result.ok + result.timedOut).toBe(CALLS);
    expect(result.tooLateCalls).toBeGreaterThan(100);
    // A too-late reply can still win when the thread wakes after it arrived; nearly all must time out.
    expect(result.timedOut).toBeGreaterThan(result.tooLateCalls * 0.9);
    expect(result.timedOut).toBeLessThanOrEqual(result.tooLateCalls);
    expect(requests).toBe(CALLS);
  }, 60_000);
});

describe('a worker started without createWorkerRenderer', () => {
  it('imports ipc-anywhere/renderer without connecting', async () => {
    const worker = new Worker(new URL('./fixtures/plain-worker.mjs', import.meta.url));
    const code = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(code).toBe('ERR_IPC_NOT_CONNECTED');
  });
});
