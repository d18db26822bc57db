import { EventEmitter } from 'events';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { checkFunction, checkOptionsObject } from '../../protocol/options.js';
import { assertMainChannel } from '../shared/channel.js';
import {
  channelConversionMessage,
  handlerTypeMessage,
  INSUFFICIENT_ARGUMENTS_MESSAGE,
  INVALID_TRANSFER_MESSAGE,
  secondHandlerMessage,
} from '../shared/electron-texts.js';
import { withUploadProgress } from '../shared/sequenced-link.js';
import type { ProgressListener, TransferProgress } from '../shared/transfer-progress.js';
import { consoleLogger, type Logger } from './logger.js';
import { checkPorts, MessagePortMain } from './message-port-main.js';

/*
 * Main's Electron-shaped objects: `IpcMain`, `WebContents` and the events their listeners get. They
 * share one file because their types refer to each other (a WebContents owns an IpcMain as `ipc`; an
 * IpcMain's handlers get events whose `sender` is a WebContents): in separate files, none could be
 * read without the others. How event objects are built is in main-events.ts; how a renderer's
 * messages reach these objects is in dispatch.ts.
 */

/** The frame a message came from. `origin` is verified by the transport (e.g. the upgrade's Origin). */
export interface SenderFrame {
  readonly url: string;
  readonly origin: string;
  readonly frameId: number;
  readonly processId: number;
}

/** What main listeners get for `send` and `sendSync` (Electron's `IpcMainEvent`). */
export interface IpcMainEvent {
  readonly type: 'frame';
  readonly sender: WebContents;
  readonly frameId: number;
  readonly processId: number;
  readonly senderFrame: SenderFrame;
  /** The ports a renderer's `postMessage` transferred; `[]` for every other message. */
  readonly ports: MessagePortMain[];
  /** Sends to the frame the message came from. */
  reply(channel: string, ...args: unknown[]): void;
  /**
   * For `sendSync` only: the value the renderer's call returns. Write-only (reads give `undefined`);
   * the first assignment wins and later ones are ignored, as in Electron.
   */
  returnValue: unknown;
}

/** What `handle` handlers get (Electron's `IpcMainInvokeEvent`): no `reply`, no `returnValue`. */
export interface IpcMainInvokeEvent {
  readonly type: 'frame';
  readonly sender: WebContents;
  readonly frameId: number;
  readonly processId: number;
  readonly senderFrame: SenderFrame;
}

export const MAIN_FRAME_ID = 1;

/** Per-call settings of `webContents.withOptions`. */
export interface WebContentsCallOptions {
  /** Told how the message goes out (see {@link TransferProgress}). */
  onProgress?: ProgressListener;
}

export type InvokeHandler = (event: IpcMainInvokeEvent, ...args: any[]) => unknown;

/** Invoke handlers per emitter, created by the first handle() (most renderers' `ipc` never gets one). */
const handlers = new WeakMap<IpcMain, Map<string, InvokeHandler>>();

/** One shared no-op: a closure per instance cost ~100 B for each connected renderer. */
const ignoreError = (): void => {};

/** The logger of the world each `IpcMain` belongs to (`ipcMain` and every `webContents.ipc`). */
const loggers = new WeakMap<IpcMain, Logger>();

/** Where problems about `emitter`'s messages are reported: its world's logger, else `console`. */
export function loggerOfIpcMain(emitter: IpcMain): Logger {
  return loggers.get(emitter) ?? consoleLogger;
}

/** @internal `emitter` belongs to the world that logs to `logger`. */
export function setLoggerOfIpcMain(emitter: IpcMain, logger: Logger): void {
  loggers.set(emitter, logger);
}

/** The handler registered for `channel` on `emitter`, if any (used by the dispatch cascade). */
export function invokeHandlerOf(emitter: IpcMain | undefined, channel: string): InvokeHandler | undefined {
  return emitter && handlers.get(emitter)?.get(channel);
}

/** Every channel with a handler, for the testing helpers. */
export function invokeChannelsOf(emitter: IpcMain | undefined): string[] {
  return [...((emitter && handlers.get(emitter)?.keys()) ?? [])];
}

/**
 * Electron's `IpcMain`: a Node EventEmitter whose events are channels, plus invoke handlers. Every
 * instance starts with a no-op `'error'` listener, as in Electron, so a renderer sending on the
 * `'error'` channel cannot crash the main process.
 */
export class IpcMain extends EventEmitter {
  constructor() {
    super();
    this.on('error', ignoreError);
  }

  /**
   * Answers `ipcRenderer.invoke(channel, ...args)`; the returned value (or Promise) is the result.
   * @throws Error `Attempted to register a second handler for '<channel>'`
   * @throws TypeError `Expected handler to be a function, but found type '<type>'`
   */
  handle(channel: string, handler: InvokeHandler): void {
    let table = handlers.get(this);
    if (table?.has(channel)) throw new Error(secondHandlerMessage(channel));
    if (typeof handler !== 'function') throw new TypeError(handlerTypeMessage(handler));
    if (table === undefined) handlers.set(this, (table = new Map()));
    table.set(channel, handler);
  }

  /** Like {@link handle}, but the handler is removed before its first call. */
  handleOnce(channel: string, handler: InvokeHandler): void {
    // Electron wraps first and so accepts a non-function here; failing early is the safer reading.
    if (!handlers.get(this)?.has(channel) && typeof handler !== 'function') {
      throw new TypeError(handlerTypeMessage(handler));
    }
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return handler(event, ...args);
    });
  }

  /** Removes the handler for `channel`, if any. */
  removeHandler(channel: string): void {
    handlers.get(this)?.delete(channel);
  }
}

/** What kind of renderer a WebContents stands for (`getType()`). */
export type WebContentsType = 'window' | 'webview' | 'worker' | 'remote';

/** What a page last reported about itself (see page-reports.ts). */
export interface PageView {
  readonly url: string;
  readonly title: string;
  readonly loading: boolean;
  readonly frame: SenderFrame;
}

/**
 * How a WebContents reaches its renderer: the main-side session, which also owns the connection's
 * state (a WebContents is destroyed when its connection is gone). The page members are optional: a
 * link without them stands for a renderer that is no page.
 */
export interface RendererLink {
  readonly destroyed: boolean;
  sendChannelMessage(channel: string, args: unknown[], senderId: number): void;
  /**
   * `webContents.postMessage`: the ports are checked and still entangled; throws what encoding throws.
   * Absent where ports cannot go (a renderer of another main process).
   */
  postMessage?(channel: string, message: unknown, ports: readonly MessagePortMain[]): void;
  close(): void;
  /** The page's reports, once it sent one. */
  readonly page?: PageView | undefined;
  /** The renderer went away without a goodbye and never came back (`'render-process-gone'`). */
  readonly vanished?: boolean;
  executeJavaScript?(code: string, userGesture: boolean): Promise<unknown>;
  reload?(): void;
  loadURL?(url: string): Promise<WebContents | undefined>;
  /** Whether the page reports console messages (main has `'console-message'` listeners). */
  reportConsole?(on: boolean): void;
}

export interface WebContentsInit {
  readonly id: number;
  readonly type: WebContentsType;
  readonly url: string;
  /** Verified by the transport (the WebSocket upgrade's Origin header, `worker:` for threads, ...). */
  readonly origin: string;
  readonly processId: number;
  readonly hostWebContents?: WebContents | null;
  /** Where problems with listeners of `webContents.ipc` are reported (default `console`). */
  readonly logger?: Logger;
}

/**
 * One renderer as seen from main (Electron's `WebContents`, the IPC part of it and the page lifecycle
 * around it). Emits `'ipc-message'`, `'ipc-message-sync'`, `'destroyed'`, and (not in Electron)
 * `'ipc-message-dropped'` `(error: IpcError, channel: string)` for a message it could not take. A page
 * also emits `'did-start-loading'`, `'did-navigate'`, `'page-title-updated'`, `'dom-ready'`,
 * `'did-finish-load'`, `'did-stop-loading'`, `'did-navigate-in-page'` and, while main listens for them,
 * `'console-message'`; a WebSocket renderer that vanished emits `'render-process-gone'` before
 * `'destroyed'` (docs/api.md, "Page lifecycle"). Created by the library when a renderer connects;
 * find them with `webContents.getAllWebContents()` / `fromId(id)`.
 */
export class WebContents extends EventEmitter {
  readonly id: number;
  /** Created by the first use of {@link ipc}: most renderers of a server never get one. */
  #ipc: IpcMain | undefined;
  readonly #logger: Logger | undefined;
  /** The host page's WebContents when this one is a `<webview>` guest, otherwise `null`. */
  readonly hostWebContents: WebContents | null;
  readonly #frame: SenderFrame;
  readonly #type: WebContentsType;
  readonly #link: RendererLink;
  /** Whether the page was last asked to report console messages. */
  #reportingConsole = false;

  /** @internal Renderers are created by transports; user code never calls this. */
  constructor(init: WebContentsInit, link: RendererLink) {
    super();
    // Node's EventEmitter takes `_events` being undefined as "no listeners" and creates the object with
    // the first one; the one `super()` made is a dictionary of ~190 B, for each of a server's thousands
    // of renderers, most of which never get a listener (bench/memory/heap-breakdown.mjs).
    (this as unknown as { _events: undefined })._events = undefined;
    this.id = init.id;
    this.#logger = init.logger;
    this.#type = init.type;
    this.#link = link;
    this.hostWebContents = init.hostWebContents ?? null;
    this.#frame = Object.freeze({
      url: init.url,
      origin: init.origin,
      frameId: MAIN_FRAME_ID,
      processId: init.processId,
    });
  }

  /** IPC scoped to this renderer: listeners and handlers here run before `ipcMain`'s. */
  get ipc(): IpcMain {
    if (this.#ipc === undefined) {
      this.#ipc = new IpcMain();
      if (this.#logger) loggers.set(this.#ipc, this.#logger);
    }
    return this.#ipc;
  }

  /** @internal {@link ipc} if anything asked for it, for dispatch (which must not create it). */
  get ipcIfUsed(): IpcMain | undefined {
    return this.#ipc;
  }

  /** The page's main frame; its `url` follows in-page navigations. */
  get mainFrame(): SenderFrame {
    return this.#link.page?.frame ?? this.#frame;
  }

  /**
   * Sends to the renderer's `ipcRenderer` listeners, in order with every other message to it. A no-op
   * once the renderer is destroyed, as in Electron. A message larger than this renderer accepts (its
   * `maxPayload`) is dropped for it, not thrown: main logs `ERR_IPC_PAYLOAD_TOO_LARGE` and this
   * WebContents emits `'ipc-message-dropped'` with `(error, channel)`, so a broadcast loop goes on.
   * @throws TypeError `Missing required channel argument` when `channel` is not a string.
   * @throws IpcError `ERR_IPC_NOT_CLONEABLE` (`Error: An object could not be cloned.`).
   */
  send(channel: string, ...args: unknown[]): void {
    assertMainChannel(channel);
    const link = this.#link;
    if (link.destroyed) return;
    link.sendChannelMessage(channel, args, 0);
  }

  /**
   * `send` with settings for this call only: `onProgress` is told how the message goes out
   * (`{ phase: 'upload', bytes, total }`), per chunk for a large message over a WebSocket, otherwise
   * once with its whole size (docs/api.md, "Progress"). Not called for a message that is dropped.
   * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `onProgress` is not a function.
   */
  withOptions(options: WebContentsCallOptions): { send(channel: string, ...args: unknown[]): void } {
    checkOptionsObject('options', options);
    checkFunction('onProgress', options?.onProgress, '({ phase, bytes, total })');
    const onProgress = options?.onProgress;
    return {
      send: (channel, ...args) => {
        assertMainChannel(channel);
        const link = this.#link;
        if (link.destroyed) return;
        withUploadProgress(link, onProgress, () => link.sendChannelMessage(channel, args, 0));
      },
    };
  }

  /**
   * Sends `message` to the renderer's `ipcRenderer` listeners on `channel`, transferring the
   * `MessagePortMain`s in `transfer` (they arrive as `event.ports`: a page gets DOM `MessagePort`s, a
   * worker `worker_threads` ones). A no-op once the renderer is destroyed.
   * @throws TypeError `Insufficient number of arguments.` without a message;
   *   `Error processing argument at index 0, conversion failure from ...` for a channel that is no string.
   * @throws Error `Invalid value for transfer`; `Port at index N is a duplicate.` / `... is already neutered.`;
   *   `An object could not be cloned.`
   */
  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void {
    // biome-ignore lint/complexity/noArguments: as Electron, a message that is `undefined` counts, a missing one not
    if (arguments.length < 2) throw new TypeError(INSUFFICIENT_ARGUMENTS_MESSAGE);
    if (typeof channel !== 'string') throw new TypeError(channelConversionMessage(channel, 0));
    let ports: MessagePortMain[] = [];
    if (transfer !== undefined) {
      if (!Array.isArray(transfer) || !transfer.every((port) => port instanceof MessagePortMain)) {
        throw new Error(INVALID_TRANSFER_MESSAGE);
      }
      ports = checkPorts(transfer);
    }
    const link = this.#link;
    if (link.destroyed) return;
    if (!link.postMessage) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `postMessage: WebContents #${this.id} is connected to another main process; MessagePorts cannot reach it (use send).`,
      );
    }
    link.postMessage(channel, message, ports);
  }

  /** The page's URL: what it reported last (in-page navigations too), else what it connected with. */
  getURL(): string {
    return this.mainFrame.url;
  }

  /** The page's `document.title` as it reported it last; `''` before its first report. */
  getTitle(): string {
    return this.#link.page?.title ?? '';
  }

  /** Between the page's `'did-start-loading'` and its `'did-stop-loading'`. */
  isLoading(): boolean {
    return this.#link.page?.loading ?? false;
  }

  /** The renderer vanished without a goodbye (`'render-process-gone'` was emitted). */
  isCrashed(): boolean {
    return this.#link.vanished ?? false;
  }

  getType(): WebContentsType {
    return this.#type;
  }

  getProcessId(): number {
    return this.mainFrame.processId;
  }

  getOSProcessId(): number {
    return this.mainFrame.processId;
  }

  isDestroyed(): boolean {
    return this.#link.destroyed;
  }

  /**
   * Evaluates `code` in the page (global scope) and resolves with its completion value, awaited when it
   * is a Promise and structured-cloned. Rejects with what the code threw (Errors keep their name,
   * message and stack), as in Electron. `userGesture` is accepted and has no effect: a page cannot be
   * given user activation from script.
   * @throws (rejects) IpcError `ERR_IPC_EVAL_BLOCKED` when the page's CSP forbids eval,
   * `ERR_IPC_NOT_A_PAGE` for a renderer that is no page, `ERR_IPC_NOT_CLONEABLE` for a result that
   * cannot be cloned, `ERR_IPC_CLOSED` when the page goes away first.
   */
  executeJavaScript(code: string, userGesture = false): Promise<any> {
    const link = this.#link;
    if (link.destroyed) return Promise.reject(destroyedError(this.id));
    if (!this.#isPage() || !link.executeJavaScript)
      return Promise.reject(notAPage(this, 'executeJavaScript'));
    return link.executeJavaScript(String(code), Boolean(userGesture));
  }

  /**
   * Reloads the page. The reloaded page connects again as a new WebContents (this one is destroyed
   * when the old page unloads). A no-op once destroyed.
   * @throws IpcError `ERR_IPC_NOT_A_PAGE` for a renderer that is no page.
   */
  reload(): void {
    const link = this.#link;
    if (link.destroyed) return;
    if (!this.#isPage() || !link.reload) throw notAPage(this, 'reload');
    link.reload();
  }

  /**
   * Navigates the page to `url` (absolute, or relative to {@link getURL}; http or https). The page that
   * loads is a new connection and so a new WebContents: the promise resolves with it once it emitted
   * `'did-finish-load'`, or with `undefined` when no page of this origin running ipc-anywhere showed up
   * in the same tab within 5 s of this page unloading (another origin, a page without the script). This
   * WebContents is destroyed when the page unloads. A no-op rejection handler is attached, as in
   * Electron.
   * @throws (rejects) IpcError `ERR_IPC_INVALID_ARGUMENT` for a URL that is not http(s),
   * `ERR_IPC_TIMEOUT` when the page is still here 30 s later (a `beforeunload` prompt kept it),
   * `ERR_IPC_NOT_A_PAGE`, `ERR_IPC_CLOSED`.
   */
  loadURL(url: string): Promise<WebContents | undefined> {
    const promise = this.#loadURL(url);
    promise.catch(ignoreError);
    return promise;
  }

  #loadURL(url: string): Promise<WebContents | undefined> {
    const link = this.#link;
    if (link.destroyed) return Promise.reject(destroyedError(this.id));
    if (!this.#isPage() || !link.loadURL) return Promise.reject(notAPage(this, 'loadURL'));
    let target: URL;
    try {
      target = new URL(String(url), this.getURL());
    } catch {
      target = new URL('invalid:');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(
        new IpcError(IpcErrorCode.InvalidArgument, `loadURL: ${String(url)} is not an http(s) URL.`),
      );
    }
    return link.loadURL(target.href);
  }

  /** Disconnects the renderer (closes the page's socket, terminates the worker); emits `'destroyed'`. */
  close(): void {
    this.#link.close();
  }

  /** Same as {@link close}. */
  destroy(): void {
    this.#link.close();
  }

  #isPage(): boolean {
    return this.#type === 'window' || this.#type === 'webview';
  }

  /** @internal Asks the page for console messages while someone listens for them, and only then. */
  syncConsoleReporting(): void {
    const wanted = this.listenerCount('console-message') > 0;
    if (wanted === this.#reportingConsole || this.#link.destroyed || !this.#isPage()) return;
    this.#reportingConsole = wanted;
    this.#link.reportConsole?.(wanted);
  }
}

/*
 * Console reporting follows the `'console-message'` listeners. A `'newListener'` listener would show in
 * `eventNames()` and cost a closure per WebContents; wrapping the registration methods on the
 * prototype costs neither.
 */
for (const name of [
  'on',
  'addListener',
  'prependListener',
  'once',
  'prependOnceListener',
  'off',
  'removeListener',
  'removeAllListeners',
] as const) {
  const inherited = EventEmitter.prototype[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(WebContents.prototype, name, {
    configurable: true,
    writable: true,
    value: function (this: WebContents, ...args: unknown[]) {
      const result = inherited.apply(this, args);
      this.syncConsoleReporting();
      return result;
    },
  });
}

function notAPage(contents: WebContents, method: string): IpcError {
  return new IpcError(
    IpcErrorCode.NotAPage,
    `${method}: WebContents #${contents.id} (${contents.getType()}) is no page running the page script.`,
  );
}

function destroyedError(id: number): IpcError {
  return new IpcError(IpcErrorCode.Closed, `WebContents #${id} is destroyed.`);
}
