import { threadId } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createMain,
  createWorkerRenderer,
  type IpcMainEvent,
  type Main,
  type WebContents,
  type WorkerRendererOptions,
  workerOf,
} from '../../../src/main.js';
import { recordingLogger } from '../../conformance/harness.js';
import { EVAL_RENDERER, startEvalRenderer, type WorkerRendererHandle } from './worker-harness.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

function next(emitter: { once(name: string, listener: (...args: any[]) => void): unknown }, name: string) {
  return new Promise<any[]>((resolve) => emitter.once(name, (...args: any[]) => resolve(args)));
}

const exitOf = (contents: WebContents) => next(workerOf(contents)!, 'exit').then(([code]) => code as number);

describe('createWorkerRenderer', () => {
  let main: Main;
  let log: ReturnType<typeof recordingLogger>['log'];
  const started: WebContents[] = [];

  const start = (file: URL | string, options: WorkerRendererOptions = {}): WebContents => {
    const contents = createWorkerRenderer(file, { main, ...options });
    started.push(contents);
    return contents;
  };
  const startEval = (options: WorkerRendererOptions = {}): WorkerRendererHandle => {
    const handle = startEvalRenderer(main, options);
    started.push(handle.webContents);
    return handle;
  };

  beforeEach(() => {
    const recording = recordingLogger();
    log = recording.log;
    main = createMain({ logger: recording.logger, syncReplyTimeout: 2_000 });
  });

  afterEach(async () => {
    main.closeAllRenderers();
    await Promise.all(started.splice(0).map((contents) => workerOf(contents)!.terminate()));
  });

  describe('identity', () => {
    it("is a WebContents of type 'worker' with the file's URL, a worker origin and the thread id", async () => {
      const renderer = startEval();
      const contents = renderer.webContents;
      const received = next(main.ipcMain, 'who');
      const workerThreadId = await renderer.run(({ ipcRenderer }) => {
        ipcRenderer.send('who');
        return require('node:worker_threads').threadId;
      });
      const [event] = (await received) as [IpcMainEvent];
      expect(contents.getType()).toBe('worker');
      expect(contents.getURL()).toBe(EVAL_RENDERER.href);
      expect(contents.getProcessId()).toBe(workerThreadId);
      expect(workerThreadId).not.toBe(threadId);
      expect(event.senderFrame).toMatchObject({ url: EVAL_RENDERER.href, origin: 'worker://' });
      expect(event.processId).toBe(workerThreadId);
      expect(main.webContents.fromId(contents.id)).toBe(contents);
    });

    it('reports the url option instead of the file URL', () => {
      expect(startEval({ url: 'app://plugins/one' }).webContents.getURL()).toBe('app://plugins/one');
    });

    it('refuses a main not made by createMain before starting a thread', () => {
      const foreign = { ...main } as Main;
      expect(() => createWorkerRenderer(EVAL_RENDERER, { main: foreign })).toThrow(
        expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
      );
    });

    it('refuses a deadline of 0 or below before starting a thread', () => {
      const threads = main.webContents.getAllWebContents().length;
      for (const bad of [{ sendSyncTimeout: 0 }, { invokeTimeout: -5 }]) {
        expect(() => createWorkerRenderer(EVAL_RENDERER, { main, ...bad })).toThrow(
          expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
        );
      }
      expect(main.webContents.getAllWebContents().length).toBe(threads);
    });

    it('accepts a path and finds the Worker with workerOf', async () => {
      const contents = start(fixture('exits-when-closed.mjs').pathname);
      await next(main.ipcMain, 'up');
      expect(workerOf(contents)?.threadId).toBe(contents.getProcessId());
    });
  });

  describe('startup', () => {
    it('passes workerData, env and execArgv through untouched and sets process.argv[1] to the file', async () => {
      const workerData = { nested: [1, { deep: true }], date: new Date(0) };
      const loaded = next(main.ipcMain, 'loaded');
      start(fixture('early-listener.mjs'), {
        workerData,
        env: { IPC_TEST_ENV: 'from-main' },
        execArgv: ['--no-deprecation'],
      });
      const [, data, argv1, env, execArgv] = await loaded;
      expect(data).toEqual(workerData);
      expect(argv1).toBe(fixture('early-listener.mjs').pathname);
      expect(env).toBe('from-main');
      expect(execArgv).toEqual(['--no-deprecation']);
    });

    it('leaves workerData undefined when none is given', async () => {
      const loaded = next(main.ipcMain, 'loaded');
      start(fixture('early-listener.mjs'));
      expect((await loaded)[1]).toBeUndefined();
    });

    it('applies resourceLimits', async () => {
      const contents = start(fixture('exits-when-closed.mjs'), {
        resourceLimits: { maxOldGenerationSizeMb: 64 },
      });
      await next(main.ipcMain, 'up');
      expect(workerOf(contents)!.resourceLimits?.maxOldGenerationSizeMb).toBe(64);
    });

    it('delivers in order what main sent before the thread was up, and what the worker sent before the hello', async () => {
      const early: number[] = [];
      main.ipcMain.on('early', (_event, i: number) => early.push(i));
      const contents = start(fixture('early-listener.mjs'));
      for (let i = 0; i < 100; i++) contents.send('n', i);
      await next(main.ipcMain, 'loaded');
      const seen = next(main.ipcMain, 'seen');
      contents.send('report');
      expect((await seen)[1]).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(early).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('runs CommonJS worker files', async () => {
      main.ipcMain.on('cjs', (event, data, argv1, moduleType) => {
        event.returnValue = { data, argv1, moduleType };
      });
      const done = next(main.ipcMain, 'cjs-done');
      start(fixture('commonjs-renderer.cjs'), { workerData: 'cjs-data' });
      expect((await done)[1]).toEqual({
        data: 'cjs-data',
        argv1: fixture('commonjs-renderer.cjs').pathname,
        moduleType: 'object',
      });
    });

    it('keeps the control messages of the user on parentPort apart from its own', async () => {
      const renderer = startEval();
      expect(await renderer.run(() => 'first user message')).toBe('first user message');
    });
  });

  describe('sendSync', () => {
    it('unblocks when the listener answers after a microtask, an immediate, a timer or another call', async () => {
      main.ipcMain.on('micro', (event, n) => queueMicrotask(() => (event.returnValue = n + 1)));
      main.ipcMain.on('immediate', (event, n) => setImmediate(() => (event.returnValue = n + 2)));
      main.ipcMain.on('timer', (event, n) => setTimeout(() => (event.returnValue = n + 3), 30));
      main.ipcMain.handle('slow-double', async (_event, n: number) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return n * 2;
      });
      main.ipcMain.on('after-invoke', async (event, n) => {
        event.returnValue = await other.run(({ ipcRenderer }, x) => ipcRenderer.invoke('slow-double', x), n);
      });
      const renderer = startEval();
      const other = startEval();
      const result = await renderer.run(({ ipcRenderer }) => [
        ipcRenderer.sendSync('micro', 1),
        ipcRenderer.sendSync('immediate', 1),
        ipcRenderer.sendSync('timer', 1),
        ipcRenderer.sendSync('after-invoke', 21),
      ]);
      expect(result).toEqual([2, 3, 4, 42]);
    });

    it('never hands a late reply for a timed-out call to a later call', async () => {
      const answers: Array<() => void> = [];
      main.ipcMain.on('late', (event, n) => {
        answers.push(() => (event.returnValue = `late ${n}`));
      });
      main.ipcMain.on('now', (event, n) => {
        // Answer the timed-out calls first, while this one is pending: their replies and notifies
        // reach the worker before this one's.
        for (const answer of answers.splice(0)) answer();
        setTimeout(() => (event.returnValue = `now ${n}`), 20);
      });
      main.ipcMain.on('plain', (event, n) => {
        event.returnValue = `plain ${n}`;
      });
      const renderer = startEval();
      const result = await renderer.run(({ ipcRenderer }) => {
        const out: unknown[] = [];
        const attempt = (call: () => unknown) => {
          try {
            out.push(call());
          } catch (error) {
            out.push((error as { code?: string }).code);
          }
        };
        const quick = ipcRenderer.withOptions({ timeout: 20 });
        attempt(() => quick.sendSync('late', 1));
        attempt(() => quick.sendSync('late', 2));
        attempt(() => ipcRenderer.sendSync('now', 3));
        attempt(() => ipcRenderer.sendSync('plain', 4));
        return out;
      });
      expect(result).toEqual(['ERR_IPC_TIMEOUT', 'ERR_IPC_TIMEOUT', 'now 3', 'plain 4']);
    });

    it('leaves no stale reply behind for the next call when the late reply arrives between calls', async () => {
      main.ipcMain.on('late', (event, n) => setTimeout(() => (event.returnValue = `late ${n}`), 40));
      main.ipcMain.on('plain', (event, n) => {
        event.returnValue = `plain ${n}`;
      });
      const renderer = startEval();
      const result = await renderer.run(async ({ ipcRenderer }) => {
        let first: unknown;
        try {
          first = ipcRenderer.withOptions({ timeout: 10 }).sendSync('late', 1);
        } catch (error) {
          first = (error as { code?: string }).code;
        }
        await new Promise((resolve) => setTimeout(resolve, 100)); // the late reply is now waiting
        return [first, ipcRenderer.sendSync('plain', 2), ipcRenderer.sendSync('plain', 3)];
      });
      expect(result).toEqual(['ERR_IPC_TIMEOUT', 'plain 2', 'plain 3']);
    });

    it('uses the sendSyncTimeout and invokeTimeout options as the worker defaults', async () => {
      main.ipcMain.on('never', () => {});
      main.ipcMain.handle('never', () => new Promise(() => {}));
      const renderer = startEval({ sendSyncTimeout: 50, invokeTimeout: 50 });
      const result = await renderer.run(async ({ ipcRenderer }) => {
        const started = Date.now();
        let syncCode: unknown;
        try {
          ipcRenderer.sendSync('never');
        } catch (error) {
          syncCode = (error as { code?: string }).code;
        }
        const syncMs = Date.now() - started;
        const invokeCode = await ipcRenderer.invoke('never').catch((error: { code?: string }) => error.code);
        return { syncCode, syncMs, invokeCode };
      });
      expect(result.syncCode).toBe('ERR_IPC_TIMEOUT');
      expect(result.syncMs).toBeGreaterThanOrEqual(45);
      expect(result.syncMs).toBeLessThan(1_500);
      expect(result.invokeCode).toBe('ERR_IPC_TIMEOUT');
    });

    it('carries small and large payloads both ways (copied and transferred frames)', async () => {
      main.ipcMain.on('echo-sync', (event, bytes: Uint8Array) => {
        event.returnValue = bytes;
      });
      main.ipcMain.on('echo', (event, bytes: Uint8Array) => event.reply('echo', bytes));
      const renderer = startEval();
      const result = await renderer.run(async ({ ipcRenderer }) => {
        const sums: number[] = [];
        for (const size of [10, 1_000, 5_000, 1_000_000]) {
          const bytes = new Uint8Array(size).map((_, i) => i % 251);
          const sum = (b: Uint8Array) => b.reduce((a, x) => a + x, 0);
          const back = ipcRenderer.sendSync('echo-sync', bytes);
          const echoed = await new Promise<Uint8Array>((resolve) => {
            ipcRenderer.once('echo', (_event, value) => resolve(value));
            ipcRenderer.send('echo', bytes);
          });
          sums.push(sum(back) - sum(bytes), echoed.length - size, bytes.length - size);
        }
        return sums;
      });
      expect(result).toEqual(Array(12).fill(0));
    });
  });

  describe('lifecycle', () => {
    it('close() wakes a sendSync blocked in the worker with ERR_IPC_CLOSED, then terminates the worker', async () => {
      const reached = next(main.ipcMain, 'hang');
      const renderer = startEval();
      const exited = exitOf(renderer.webContents);
      const pending = renderer.run(({ ipcRenderer }) => {
        try {
          ipcRenderer.sendSync('hang');
          return 'returned';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      });
      const [event] = await reached;
      const destroyed = next(renderer.webContents, 'destroyed');
      renderer.webContents.close();
      await destroyed;
      expect(await pending).toBe('ERR_IPC_CLOSED');
      expect(() => {
        event.returnValue = 'too late';
      }).not.toThrow();
      await exited;
    });

    it('terminating the worker in the middle of a sendSync destroys the WebContents and main keeps going', async () => {
      const reached = next(main.ipcMain, 'hang');
      const renderer = startEval();
      void renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('hang')).catch(() => {});
      const [event] = (await reached) as [IpcMainEvent];
      const destroyed = next(renderer.webContents, 'destroyed');
      await renderer.worker.terminate();
      await destroyed;
      expect(renderer.webContents.isDestroyed()).toBe(true);
      expect(main.webContents.fromId(renderer.webContents.id)).toBeUndefined();
      event.returnValue = 'nobody is waiting';
      renderer.webContents.send('still', 'fine');
      main.ipcMain.on('echo', (e, v) => {
        e.returnValue = v;
      });
      expect(await startEval().run(({ ipcRenderer }) => ipcRenderer.sendSync('echo', 'alive'))).toBe('alive');
    });

    it('a worker that exits with process.exit in the middle of a call ends its WebContents', async () => {
      main.ipcMain.on('slow', (event) => setTimeout(() => (event.returnValue = 'late'), 100));
      main.ipcMain.handle('hang', () => new Promise(() => {}));
      const renderer = startEval();
      const destroyed = next(renderer.webContents, 'destroyed');
      const exited = exitOf(renderer.webContents);
      void renderer
        .run(({ ipcRenderer }) => {
          void ipcRenderer.invoke('hang');
          try {
            ipcRenderer.withOptions({ timeout: 10 }).sendSync('slow');
          } finally {
            process.exit(3);
          }
        })
        .catch(() => {});
      expect(await exited).toBe(3);
      await destroyed;
      await new Promise((resolve) => setTimeout(resolve, 150)); // the late returnValue lands on nothing
      expect(log.error).toEqual([]);
    });

    it("logs a worker's uncaught error through main's logger, destroys its WebContents and keeps main running", async () => {
      const renderer = startEval();
      const destroyed = next(renderer.webContents, 'destroyed');
      const exited = exitOf(renderer.webContents);
      void renderer
        .run(({ ipcRenderer }) => {
          ipcRenderer.send('before-crash');
          setTimeout(() => {
            throw new Error('boom in the worker');
          });
        })
        .catch(() => {});
      expect(await exited).toBe(1);
      await destroyed;
      expect(log.error).toHaveLength(1);
      expect(log.error[0]?.message).toBe(
        `ipc-anywhere: the worker of WebContents #${renderer.webContents.id} failed`,
      );
      expect(log.error[0]?.fields.webContentsId).toBe(renderer.webContents.id);
      expect(String(log.error[0]?.fields.err)).toBe('Error: boom in the worker');
    });

    it('logs errors while loading the file (thrown at load, or file not found)', async () => {
      const throwing = start(fixture('throws-at-load.mjs'));
      const missing = start(fixture('does-not-exist.mjs'));
      await Promise.all([next(throwing, 'destroyed'), next(missing, 'destroyed')]);
      const texts = log.error.map((entry) => String(entry.fields.err));
      expect(texts).toContain('Error: boom at load');
      expect(texts.some((text) => text.includes('does-not-exist.mjs'))).toBe(true);
    });

    it('close() lets a worker that holds nothing else end by itself, before the close timeout', async () => {
      const contents = start(fixture('exits-when-closed.mjs'), { closeTimeout: 30_000 });
      await next(main.ipcMain, 'up');
      const exited = exitOf(contents);
      contents.close();
      expect(await exited).toBe(0);
    });

    it('close() terminates a worker that keeps running, after closeTimeout', async () => {
      const renderer = startEval({ closeTimeout: 50 });
      await renderer.run(() => setInterval(() => {}, 1_000) && 'busy');
      const exited = exitOf(renderer.webContents);
      const started = Date.now();
      renderer.webContents.close();
      expect(await exited).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    });

    it('rejects the worker-side calls still pending when main closes, and sendSync afterwards', async () => {
      main.ipcMain.handle('hang', () => new Promise(() => {}));
      const renderer = startEval();
      const pending = renderer.run(async ({ ipcRenderer }) => {
        const invokeCode = await ipcRenderer.invoke('hang').catch((error: { code?: string }) => error.code);
        let syncCode: unknown;
        try {
          ipcRenderer.sendSync('anything');
        } catch (error) {
          syncCode = (error as { code?: string }).code;
        }
        return { invokeCode, syncCode };
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      renderer.webContents.close();
      expect(await pending).toEqual({ invokeCode: 'ERR_IPC_CLOSED', syncCode: 'ERR_IPC_CLOSED' });
    });
  });
});
