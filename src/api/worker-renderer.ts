import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits, Worker, WorkerOptions } from 'node:worker_threads';
import type { WebContents } from '../core/main/web-contents-impl.js';
import { checkDeadlines } from '../core/shared/deadline.js';
import { spawnWorkerRenderer } from '../transports/worker/spawn.js';
import { addRenderer, defaultMain, loggerOf, type Main } from './main-context.js';

/** `senderFrame.origin` of every worker renderer (a thread has no web origin; check `getURL()` too). */
export const WORKER_ORIGIN = 'worker://';

export interface WorkerRendererOptions {
  /** Passed to the worker unchanged: its code reads it with `require('node:worker_threads').workerData`. */
  workerData?: unknown;
  /** The worker's `process.env` (Node's `Worker` option, e.g. `SHARE_ENV`). */
  env?: WorkerOptions['env'];
  /** Node options for the worker (Node's `Worker` option; inherited from this process when absent). */
  execArgv?: string[];
  /** Heap and stack limits (Node's `Worker` option). */
  resourceLimits?: ResourceLimits;
  /** The main world this renderer belongs to. Default: the one behind the `ipcMain` singleton. */
  main?: Main;
  /** The worker's default `sendSync` deadline in ms (the renderer's own default is 30 000). */
  sendSyncTimeout?: number;
  /** The worker's default `invoke` deadline in ms (default: none, as in Electron). */
  invokeTimeout?: number;
  /** What `webContents.getURL()` and `event.senderFrame.url` report. Default: the file's URL. */
  url?: string;
  /**
   * After `webContents.close()`, how long (ms) the worker may run on to see its closed connection
   * before it is terminated; it is not waited for when it exits earlier. 0 terminates at once.
   * Default 1000.
   */
  closeTimeout?: number;
}

const workers = new WeakMap<WebContents, Worker>();

/**
 * Starts a worker thread whose code uses `ipcRenderer` from `ipc-anywhere/renderer` (no setup there:
 * it is connected when it loads) and returns its `WebContents` (`getType()` is `'worker'`,
 * `getProcessId()` the thread id). Messages sent to it before the thread is up wait in order.
 *
 * The worker lives until it exits, crashes or `webContents.close()` ends it; then the WebContents emits
 * `'destroyed'`. Its uncaught errors are logged through main's logger and never reach main's own
 * error handling.
 * @param fileOrURL a path (absolute, or relative to the current directory) or a `file:`/`data:` URL of an
 *   ES module or CommonJS file.
 * @throws TypeError when `options.main` was not created by `createMain()`; Node's own errors for invalid
 *   `Worker` options (e.g. `ERR_WORKER_INVALID_EXEC_ARGV`).
 * @example
 * const contents = createWorkerRenderer(new URL('./renderer.mjs', import.meta.url), { workerData: { n: 1 } });
 * ipcMain.on('ready', (event) => event.reply('go'));
 */
export function createWorkerRenderer(
  fileOrURL: string | URL,
  options: WorkerRendererOptions = {},
): WebContents {
  const main = options.main ?? defaultMain;
  const logger = loggerOf(main); // throws for a foreign main before a thread is started
  checkDeadlines(options);
  const entry = entryURL(fileOrURL);
  const { worker, transport } = spawnWorkerRenderer(entry, {
    ...('workerData' in options ? { workerData: options.workerData } : {}),
    env: options.env,
    execArgv: options.execArgv,
    resourceLimits: options.resourceLimits,
    defaults: { invokeTimeout: options.invokeTimeout, sendSyncTimeout: options.sendSyncTimeout },
    closeTimeout: options.closeTimeout ?? 1000,
  });
  const contents = addRenderer(main, transport, {
    type: 'worker',
    url: options.url ?? entry.href,
    origin: WORKER_ORIGIN,
    processId: worker.threadId,
  });
  worker.on('error', (error) =>
    logger.error(
      { err: error, webContentsId: contents.id },
      `ipc-anywhere: the worker of WebContents #${contents.id} failed`,
    ),
  );
  workers.set(contents, worker);
  return contents;
}

/**
 * The `Worker` behind a WebContents from {@link createWorkerRenderer} (for `terminate()`, `stdout`,
 * `postMessage` to your own `parentPort` listeners, ...); `undefined` for other renderers.
 */
export function workerOf(contents: WebContents): Worker | undefined {
  return workers.get(contents);
}

function entryURL(fileOrURL: string | URL): URL {
  if (fileOrURL instanceof URL) return fileOrURL;
  if (/^(?:file|data):/i.test(fileOrURL)) return new URL(fileOrURL);
  return pathToFileURL(resolve(fileOrURL));
}
