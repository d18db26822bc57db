import { afterEach, describe, expect, it } from 'vitest';
import { createMain, MessageChannelMain } from '../../../src/main.js';
import { recordingLogger } from '../../conformance/harness.js';
import { startEvalRenderer, type WorkerRendererHandle } from './worker-harness.js';

const workers: WorkerRendererHandle[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((handle) => handle.worker.terminate()));
});

describe('MessagePorts between worker renderers', () => {
  it('two workers given the ends of one MessageChannelMain talk directly, while main is busy', async () => {
    const { logger } = recordingLogger();
    const main = createMain({ logger });
    const a = startEvalRenderer(main);
    const b = startEvalRenderer(main);
    workers.push(a, b);
    // Each worker keeps its port; B echoes, A records when the echoes come back.
    for (const handle of [a, b]) {
      await handle.run(({ ipcRenderer }) => {
        ipcRenderer.once('port', (event) => {
          const port = event.ports[0]!;
          (globalThis as any).port = port;
          (globalThis as any).echoes = [];
          port.onmessage = ({ data }: MessageEvent) => {
            if (data.echo) (globalThis as any).echoes.push([data.i, Date.now()]);
            else port.postMessage({ echo: true, i: data.i });
          };
          ipcRenderer.send('ready');
        });
      });
    }
    const ready = new Promise<void>((resolve) => {
      let count = 0;
      main.ipcMain.on('ready', () => ++count === 2 && resolve());
    });
    const { port1, port2 } = new MessageChannelMain();
    a.webContents.postMessage('port', null, [port1]);
    b.webContents.postMessage('port', null, [port2]);
    await ready;
    // A starts 100 ms from now, while main's thread is stopped for 500 ms: what crosses meanwhile
    // cannot have gone through main.
    await a.run(() => {
      setTimeout(() => {
        for (let i = 0; i < 100; i++) (globalThis as any).port.postMessage({ i });
      }, 100);
    });
    const blockedFrom = Date.now();
    while (Date.now() - blockedFrom < 500) {
      // busy
    }
    const blockedUntil = Date.now();
    const echoes = await a.run(() => (globalThis as any).echoes as [number, number][]);
    expect(echoes.map(([i]) => i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(echoes.every(([, at]) => at > blockedFrom && at < blockedUntil)).toBe(true);
  });
});
