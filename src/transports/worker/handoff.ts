import type { MessagePort } from 'node:worker_threads';

/*
 * How a worker started by `createWorkerRenderer` gets its connection, without touching anything the
 * user's code can see (`workerData`, `execArgv`, `env`, the first `parentPort` message):
 *
 * 1. Main starts the worker with a tiny bootstrap script (`eval: true`, source below) instead of the
 *    user's file, passing the user's `workerData`, `env`, `execArgv` and `resourceLimits` unchanged.
 * 2. Right after `new Worker(...)`, before anyone else can hold the Worker, main posts one bootstrap
 *    message on it, transferring the two MessagePorts and sharing the SharedArrayBuffer.
 * 3. The bootstrap takes that message synchronously with `receiveMessageOnPort(parentPort)` (no
 *    listener, no event-loop turn, so user code never sees it), leaves the connection on `globalThis`
 *    under a registered symbol, and only then imports the user's file.
 * 4. `ipc-anywhere/renderer` (its Node variant) takes the connection from there when it loads and
 *    attaches it to `ipcRenderer` (src/api/worker-auto-connect.ts). A registered symbol works even
 *    when the user's import resolves to another copy of the package than main's.
 *
 * Rejected alternatives: wrapping `workerData` changes what the user reads; a first `parentPort`
 * message consumed by the renderer module at import time races with user listeners when the module is
 * imported late (CommonJS `await import(...)`); an `--import` preload in `execArgv` needs an explicit
 * `execArgv`, and Node rejects inherited process-wide flags there (`--max-old-space-size` throws
 * ERR_WORKER_INVALID_EXEC_ARGV); `setEnvironmentData` cannot carry MessagePorts.
 *
 * Visible differences from `new Worker(file)`: `require.main` is undefined in a CommonJS worker file,
 * and stack traces of top-level errors end in `[worker eval]`. `process.argv[1]` is set to the file.
 */

/** `Symbol.for` key of the connection left on the worker's `globalThis`. */
export const HANDOFF_KEY = 'ipc-anywhere.worker-connection';

/** Marks the bootstrap message, so a foreign first message is reported instead of misread. */
export const BOOTSTRAP_TAG = 'ipc-anywhere/worker-bootstrap@1';

/** Deadlines main chose for this worker's `ipcRenderer` (the renderer's own defaults otherwise). */
export interface WorkerConnectionDefaults {
  readonly invokeTimeout?: number;
  readonly sendSyncTimeout?: number;
}

/** What the bootstrap leaves for `ipc-anywhere/renderer`. */
export interface WorkerConnectionHandoff {
  readonly port: MessagePort;
  readonly syncPort: MessagePort;
  readonly state: Int32Array;
  readonly defaults: WorkerConnectionDefaults;
}

/** The one message main posts on a new worker before returning it. */
export interface BootstrapMessage {
  readonly tag: typeof BOOTSTRAP_TAG;
  /** The user's module, imported once the connection is in place. */
  readonly url: string;
  /** Its path, for `process.argv[1]` (file: URLs only). */
  readonly path: string | undefined;
  readonly connection: WorkerConnectionHandoff;
}

/**
 * The worker's entry. Plain script that runs both as CommonJS and as an ES module (a parent started with
 * `--input-type=module` passes that on to eval workers), hence `import()` rather than `require`. An
 * error while loading the user's file is re-thrown as uncaught, so main's Worker emits `'error'` with it
 * exactly as it would for `new Worker(file)`.
 */
export const BOOTSTRAP_SOURCE = `import('node:worker_threads')
  .then(({ parentPort, receiveMessageOnPort }) => {
    const received = receiveMessageOnPort(parentPort);
    const boot = received && received.message;
    if (!boot || boot.tag !== ${JSON.stringify(BOOTSTRAP_TAG)})
      throw new Error('ipc-anywhere: this worker was not started by createWorkerRenderer().');
    globalThis[Symbol.for(${JSON.stringify(HANDOFF_KEY)})] = boot.connection;
    if (boot.path) process.argv[1] = boot.path;
    return import(boot.url);
  })
  .catch((error) => process.nextTick(() => { throw error; }));
`;

/** Takes (once) the connection the bootstrap left; `undefined` outside a worker renderer. */
export function takeWorkerHandoff(): WorkerConnectionHandoff | undefined {
  const key = Symbol.for(HANDOFF_KEY);
  const holder = globalThis as unknown as Record<symbol, WorkerConnectionHandoff | undefined>;
  const handoff = holder[key];
  if (handoff === undefined) return undefined;
  delete holder[key];
  return handoff;
}
