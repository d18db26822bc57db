import type { Worker } from 'node:worker_threads';
import {
  createWorkerRenderer,
  type Main,
  type WebContents,
  type WorkerRendererOptions,
  workerOf,
} from '../../../src/main.js';
import type { RendererHandle, RendererScript } from '../../conformance/harness.js';

/** The generic worker renderer: runs script sources sent over parentPort with `{ ipcRenderer }`. */
export const EVAL_RENDERER = new URL('./fixtures/eval-renderer.mjs', import.meta.url);

export interface WorkerRendererHandle extends RendererHandle {
  readonly worker: Worker;
}

/**
 * Starts the eval fixture as a worker renderer of `main`. `run` ships a script over the worker's
 * parentPort (a control channel separate from ipc-anywhere's ports) and resolves with its result;
 * it rejects when the script throws or the worker exits first.
 */
export function startEvalRenderer(main: Main, options: WorkerRendererOptions = {}): WorkerRendererHandle {
  const webContents: WebContents = createWorkerRenderer(EVAL_RENDERER, { main, ...options });
  const worker = workerOf(webContents)!;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextId = 0;
  worker.on(
    'message',
    (reply: { id: number; ok: boolean; value?: unknown; error?: { text: string; code?: string } }) => {
      const entry = pending.get(reply.id);
      if (!entry) return;
      pending.delete(reply.id);
      if (reply.ok) entry.resolve(reply.value);
      else entry.reject(Object.assign(new Error(reply.error?.text), { code: reply.error?.code }));
    },
  );
  worker.on('exit', (code) => {
    for (const entry of pending.values()) entry.reject(new Error(`The worker exited with code ${code}.`));
    pending.clear();
  });
  return {
    webContents,
    worker,
    run<A extends unknown[], R>(script: RendererScript<A, R>, ...args: A): Promise<R> {
      const id = ++nextId;
      return new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ id, source: script.toString(), args });
      });
    },
  };
}
