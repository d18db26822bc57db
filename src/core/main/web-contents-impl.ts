import { EventEmitter } from 'events';
import { assertMainChannel } from '../shared/channel.js';
import { IpcMain } from './ipc-main-impl.js';
import { MAIN_FRAME_ID, type SenderFrame } from './main-events.js';

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
