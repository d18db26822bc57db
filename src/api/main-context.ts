import type { ClaimResult } from '../core/main/guest-registry.js';
import { LOG_LEVELS, type Logger, type LogLevel } from '../core/main/logger.js';
import type { MainTrafficListener } from '../core/main/main-traffic.js';
import {
  MainWorld,
  type MainWorldOptions,
  type RendererInfo,
  type WebContentsModule,
} from '../core/main/main-world.js';
import type { IpcMain, WebContents } from '../core/main/web-contents-impl.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import {
  checkLogger,
  checkLogLevel,
  checkOptionNames,
  checkOptionsObject,
  describeValue,
} from '../protocol/options.js';
import type { MainTransport } from '../transports/transport.js';
import { registerLibraryCopy } from './library-copies.js';

export type MainOptions = MainWorldOptions;

/** An isolated main process: its own `ipcMain`, renderers and ids. */
export interface Main {
  readonly ipcMain: IpcMain;
  readonly webContents: WebContentsModule;
  /** Disconnects every renderer of this main. */
  closeAllRenderers(): void;
  /**
   * Not in Electron: `send(channel, ...args)` to every renderer (`getAllWebContents()`), with the
   * arguments encoded once instead of once per renderer; each renderer gets it in order with the rest
   * of its messages, as from `webContents.send`. Returns how many renderers it went to. A renderer
   * whose `maxPayload` is too small for it is skipped, as `send` does (logged, `'ipc-message-dropped'`).
   * @throws TypeError `Missing required channel argument` when `channel` is not a string.
   * @throws IpcError `ERR_IPC_NOT_CLONEABLE` when an argument cannot be cloned; then nothing is sent.
   * @example
   * main.broadcast('price', { symbol: 'ACME', price: 12.5 });
   */
  broadcast(channel: string, ...args: unknown[]): number;
  /**
   * Inspects this main's IPC traffic: `listener` gets one record per message to or from any renderer
   * (channel, size, decoded arguments, invoke and sendSync latency), and one per refusal, drop or closed
   * connection with its error code (docs/api.md, "Traffic"). Synchronous, in order; with no listener,
   * traffic costs nothing. Returns the function that removes the listener.
   * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `listener` is not a function.
   * @example
   * const stop = main.onTraffic((record) => {
   *   if (record.kind === 'invokeReply') console.log(record.channel, record.durationMs);
   * });
   */
  onTraffic(listener: MainTrafficListener): () => void;
}

const worlds = new WeakMap<Main, MainWorld>();

/**
 * Creates an isolated main world. The package's `ipcMain` and `webContents` singletons belong to the
 * default one; create more for tests or multi-tenant servers.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option, for an unknown option name or a
 * value of the wrong type (`logger`, `logLevel`, `limits`, `syncReplyTimeout`, `allowSendTo`).
 * @example
 * const main = createMain();
 * main.ipcMain.handle('sum', (_event, a, b) => a + b);
 */
export function createMain(options?: MainOptions): Main {
  const world = new MainWorld(options);
  const main: Main = {
    ipcMain: world.ipcMain,
    webContents: world.webContents,
    closeAllRenderers: () => world.closeAll(),
    broadcast: (channel, ...args) => world.broadcast(channel, args),
    onTraffic: (listener) => {
      if (typeof listener !== 'function') {
        throw new IpcError(
          IpcErrorCode.InvalidArgument,
          `onTraffic(listener) needs a function (record) => void (got ${describeValue(listener)}).`,
        );
      }
      return world.traffic.subscribe(listener);
    },
  };
  worlds.set(main, world);
  return main;
}

/**
 * Checks an option that names a main world: `undefined` (the default one) or a {@link Main} from
 * {@link createMain}.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkMainOption(name: string, value: unknown): void {
  if (value === undefined || worlds.has(value as Main)) return;
  throw new IpcError(
    IpcErrorCode.InvalidArgument,
    `${name} must be a main created by createMain() (got ${describeValue(value)}).`,
  );
}

/** For transports: connects a renderer to `main` and returns its new WebContents. */
export function addRenderer(main: Main, transport: MainTransport, info: RendererInfo): WebContents {
  return worldOf(main).addRenderer(transport, info);
}

/** For transports: uses up a `<webview>` guest token of `main` (see docs/webview.md). */
export function claimGuest(main: Main, token: string, successor?: string): ClaimResult {
  return worldOf(main).guests.claim(token, successor);
}

/** For transports: where `main` reports problems (the logger given to `createMain`). */
export function loggerOf(main: Main): Logger {
  return worldOf(main).logger;
}

/** For transports: the largest message `main` accepts from a renderer (its `limits.maxPayload`). */
export function maxPayloadOf(main: Main): number {
  return worldOf(main).limits.maxPayload;
}

function worldOf(main: Main): MainWorld {
  const world = worlds.get(main);
  if (!world) throw new IpcError(IpcErrorCode.InvalidArgument, 'Expected a main created by createMain().');
  return world;
}

export interface SetLoggerOptions {
  /** The least severe lines that reach the logger (`'silent'`, `'error'`, `'warn'`, `'info'`, `'debug'`). Default: unchanged (`'warn'` at first). */
  logLevel?: LogLevel;
  /** The main whose logger is set. Default: the default main (`ipcMain`'s). */
  main?: Main;
}

/**
 * Sets where a main reports handler errors, refusals and dropped renderers: by default the main behind
 * the `ipcMain` singleton, which has no `createMain` call to take a `logger` option. Takes effect at once,
 * also for servers and renderers that already exist. `logger` is called `logger.error(fields, message)`
 * (pino and bunyan loggers as they are; `console` is adapted; wrap a console-style logger in
 * `consoleStyle`); `undefined` keeps the current one, to change only the level.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a logger without `error`/`warn` functions, an unknown
 * level, or an unknown option.
 * @example
 * import pino from 'pino';
 * setLogger(pino(), { logLevel: 'info' });
 */
export function setLogger(logger: Logger | undefined, options: SetLoggerOptions = {}): void {
  checkOptionsObject('setLogger', options);
  checkOptionNames('setLogger', options, ['logLevel', 'main']);
  checkLogger('logger', logger);
  checkLogLevel('logLevel', options.logLevel, LOG_LEVELS);
  checkMainOption('main', options.main);
  worldOf(options.main ?? defaultMain).logger.set(logger, options.logLevel);
}

/** The default world behind the `ipcMain` and `webContents` singletons. */
export const defaultMain: Main = createMain();

// A second copy of the library would have a second `defaultMain`: say so once, where it loads.
registerLibraryCopy();
