import { EventEmitter } from 'events';
import { assertMainChannel } from '../shared/channel.js';
import { handlerTypeMessage, secondHandlerMessage } from '../shared/electron-texts.js';

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
  readonly ports: MessagePort[];
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

export type InvokeHandler = (event: IpcMainInvokeEvent, ...args: any[]) => unknown;

/** Invoke handlers per emitter, created by the first handle() (most renderers' `ipc` never gets one). */
const handlers = new WeakMap<IpcMain, Map<string, InvokeHandler>>();

/** One shared no-op: a closure per instance cost ~100 B for each connected renderer. */
const ignoreError = (): void => {};

/** The handler registered for `channel` on `emitter`, if any (used by the dispatch cascade). */
export function invokeHandlerOf(emitter: IpcMain, channel: string): InvokeHandler | undefined {
  return handlers.get(emitter)?.get(channel);
}

/** Every channel with a handler, for the testing helpers. */
export function invokeChannelsOf(emitter: IpcMain): string[] {
  return [...(handlers.get(emitter)?.keys() ?? [])];
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

/**
 * How a WebContents reaches its renderer: the main-side session, which also owns the connection's
 * state (a WebContents is destroyed when its connection is gone).
 */
export interface RendererLink {
  readonly destroyed: boolean;
  sendChannelMessage(channel: string, args: unknown[], senderId: number): void;
  close(): void;
}

export interface WebContentsInit {
  readonly id: number;
  readonly type: WebContentsType;
  readonly url: string;
  /** Verified by the transport (the WebSocket upgrade's Origin header, `worker:` for threads, ...). */
  readonly origin: string;
  readonly processId: number;
  readonly hostWebContents?: WebContents | null;
}

/**
 * One renderer as seen from main (Electron's `WebContents`, the IPC part of it). Emits
 * `'ipc-message'`, `'ipc-message-sync'` and `'destroyed'`, and (not in Electron)
 * `'ipc-message-dropped'` `(error: IpcError, channel: string)` for a message it could not take. Created by the library when a renderer
 * connects; find them with `webContents.getAllWebContents()` / `fromId(id)`.
 */
export class WebContents extends EventEmitter {
  readonly id: number;
  /** IPC scoped to this renderer: listeners and handlers here run before `ipcMain`'s. */
  readonly ipc: IpcMain = new IpcMain();
  /** The host page's WebContents when this one is a `<webview>` guest, otherwise `null`. */
  readonly hostWebContents: WebContents | null;
  readonly mainFrame: SenderFrame;
  readonly #type: WebContentsType;
  readonly #link: RendererLink;

  /** @internal Renderers are created by transports; user code never calls this. */
  constructor(init: WebContentsInit, link: RendererLink) {
    super();
    this.id = init.id;
    this.#type = init.type;
    this.#link = link;
    this.hostWebContents = init.hostWebContents ?? null;
    this.mainFrame = Object.freeze({
      url: init.url,
      origin: init.origin,
      frameId: MAIN_FRAME_ID,
      processId: init.processId,
    });
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

  getURL(): string {
    return this.mainFrame.url;
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

  /** Disconnects the renderer (closes the page's socket, terminates the worker); emits `'destroyed'`. */
  close(): void {
    this.#link.close();
  }

  /** Same as {@link close}. */
  destroy(): void {
    this.#link.close();
  }
}
