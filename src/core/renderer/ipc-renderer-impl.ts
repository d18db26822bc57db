import type { IpcError } from '../../protocol/errors.js';
import {
  MessageKind,
  type RendererToMainConsoleMessage,
  type RendererToMainPageState,
} from '../../protocol/messages.js';
import { checkFunction } from '../../protocol/options.js';
import type { RendererTransport } from '../../transports/transport.js';
import { assertRendererChannel } from '../shared/channel.js';
import { checkDeadline } from '../shared/deadline.js';
import {
  channelConversionMessage,
  INSUFFICIENT_ARGUMENTS_MESSAGE,
  INVALID_TRANSFER_MESSAGE,
} from '../shared/electron-texts.js';
import { Emitter } from '../shared/emitter.js';
import type { PlatformMessagePort } from '../shared/platform-port.js';
import type { Unnumbered } from '../shared/sequenced-link.js';
import type { ProgressListener } from '../shared/transfer-progress.js';
import { isNativePort, type NativePort } from '../shared/virtual-ports.js';
import { answerScript, type PageAgent } from './page-agent.js';
import {
  type ConnectionDefaults,
  type ConnectionEvent,
  type ConnectionState,
  RendererSession,
  type RendererSessionOptions,
} from './renderer-session.js';
import type { RendererTrafficListener } from './renderer-traffic.js';
import { reportListenerError } from './report-listener-error.js';

/** What renderer listeners get as their first argument (Electron's `IpcRendererEvent`). */
export interface IpcRendererEvent {
  readonly sender: IpcRenderer;
  /** 0 for messages from main; the sending WebContents' id for messages relayed by `sendTo`. */
  readonly senderId: number;
  readonly ports: PlatformMessagePort[];
}

/** Per-call settings: see {@link IpcRenderer.withOptions}. */
export interface CallOptions {
  /** Deadline in ms (above 0; `Infinity`: none); the call fails with `ERR_IPC_TIMEOUT` when it passes. */
  timeout?: number;
  /**
   * Told how the message goes out (`'upload'`) and, for `invoke`, how the reply comes in
   * (`'download'`): per chunk for a large message over a WebSocket, otherwise once with its whole
   * size (docs/api.md, "Progress").
   */
  onProgress?: ProgressListener;
}

/** What {@link IpcRenderer.withOptions} returns: the calls that take per-call settings. */
export interface CallsWithOptions {
  invoke(channel: string, ...args: unknown[]): Promise<any>;
  sendSync(channel: string, ...args: unknown[]): any;
  send(channel: string, ...args: unknown[]): void;
}

export type HostMessageListener = (
  guestId: number,
  frameId: number,
  channel: string,
  args: unknown[],
) => void;

export type GuestStateListener = (token: string, guestId: number) => void;

export type ConnectionListener = (event: ConnectionEvent) => void;

interface Internals {
  readonly session: RendererSession;
  readonly hostMessageListeners: Set<HostMessageListener>;
  readonly guestStateListeners: Set<GuestStateListener>;
  readonly lifecycle: Emitter;
  readonly connectionListeners: Set<ConnectionListener>;
  /** Set by the page script on the page's own renderer (see {@link setPageAgent}). */
  pageAgent: PageAgent | undefined;
}

const internals = new WeakMap<IpcRenderer, Internals>();

/**
 * Electron's `ipcRenderer`: a Node EventEmitter (in browsers too) whose events are channels, plus the
 * methods that send to main. Nothing internal is ever an event on it, so `eventNames()` lists only
 * what user code registered.
 */
export class IpcRenderer extends Emitter {
  constructor(options: RendererSessionOptions = {}) {
    super();
    const hostMessageListeners = new Set<HostMessageListener>();
    const guestStateListeners = new Set<GuestStateListener>();
    const lifecycle = new Emitter();
    const connectionListeners = new Set<ConnectionListener>();
    const session = new RendererSession(
      {
        message: (channel, senderId, args) => {
          const event: IpcRendererEvent = { sender: this, senderId, ports: [] };
          try {
            this.emit(channel, event, ...args);
          } catch (error) {
            reportListenerError(error);
          }
        },
        postMessage: (channel, message, ports) => {
          const event: IpcRendererEvent = {
            sender: this,
            senderId: 0,
            ports: ports as unknown as PlatformMessagePort[],
          };
          try {
            this.emit(channel, event, message);
          } catch (error) {
            reportListenerError(error);
          }
        },
        hostMessage: (guestId, frameId, channel, args) => {
          for (const listener of hostMessageListeners) listener(guestId, frameId, channel, args);
        },
        guestState: (token, guestId) => {
          for (const listener of guestStateListeners) listener(token, guestId);
        },
        connected: (webContentsId) => lifecycle.emit('connected', webContentsId),
        closed: (error) => lifecycle.emit('closed', error),
        connection: (event) => {
          for (const listener of connectionListeners) {
            try {
              listener(event);
            } catch (error) {
              reportListenerError(error);
            }
          }
        },
        executeJavaScript: (id, code, userGesture) =>
          answerScript((message) => session.post(message), own.pageAgent, id, code, userGesture),
        pageCommand: (command, url, token) => own.pageAgent?.command(command, url, token),
      },
      options,
    );
    const own: Internals = {
      session,
      hostMessageListeners,
      guestStateListeners,
      lifecycle,
      connectionListeners,
      pageAgent: undefined,
    };
    internals.set(this, own);
  }

  /**
   * Sends to main asynchronously; main's listeners get `(event, ...args)`.
   * @throws TypeError when `channel` is not a string (Electron's text).
   * @throws IpcError `ERR_IPC_NOT_CLONEABLE` (`Error: An object could not be cloned.`), or
   *   `ERR_IPC_PAYLOAD_TOO_LARGE` when main would refuse the message.
   */
  send(channel: string, ...args: unknown[]): void {
    assertRendererChannel(channel);
    sessionOf(this).post({ kind: MessageKind.Send, channel, args });
  }

  /**
   * Sends to main and blocks until a listener sets `event.returnValue`, which this returns.
   * Returns `{ error: 'reply was never sent' }` when main has no listener or drops the event.
   * @throws IpcError `ERR_IPC_TIMEOUT`, `ERR_IPC_CLOSED`, `ERR_IPC_SYNC_UNSUPPORTED`, `ERR_IPC_NOT_CLONEABLE`.
   */
  sendSync(channel: string, ...args: unknown[]): any {
    assertRendererChannel(channel);
    return sessionOf(this).sendSync(channel, args);
  }

  /**
   * Calls the handler main registered with `handle(channel)` and resolves with its result.
   * Rejects with `Error invoking remote method '<channel>': <error>` when the handler throws or is missing,
   * and with `ERR_IPC_CLOSED` / `ERR_IPC_TIMEOUT` when the call cannot complete.
   */
  invoke(channel: string, ...args: unknown[]): Promise<any> {
    return this.#invoke(undefined, channel, args);
  }

  /**
   * Sends `message` to main's listeners on `channel` (`(event, message)`), transferring the
   * `MessagePort`s in `transfer`: main gets them as `event.ports` (`MessagePortMain`s). The ports can no
   * longer be used here; their partners keep talking to main, or to whoever main hands them to.
   * @throws TypeError `Invalid value for transfer` when `transfer` is not a list of this realm's
   *   `MessagePort`s, each once and not transferred before; Electron's channel texts.
   * @throws IpcError `ERR_IPC_NOT_CLONEABLE` (`Error: An object could not be cloned.`),
   *   `ERR_IPC_PAYLOAD_TOO_LARGE`, `ERR_IPC_CLOSED`.
   */
  postMessage(channel: string, message: unknown, transfer?: PlatformMessagePort[]): void {
    // biome-ignore lint/complexity/noArguments: as Electron, a message that is `undefined` counts, a missing one not
    if (arguments.length < 2) throw new TypeError(INSUFFICIENT_ARGUMENTS_MESSAGE);
    assertRendererChannel(channel, 0);
    const ports = checkTransfer(transfer);
    sessionOf(this).postMessage(channel, message, ports);
    for (const port of ports) transferred.add(port);
  }

  /** Like `send`, but to the `<webview>` element that embeds this page; dropped when there is none. */
  sendToHost(channel: string, ...args: unknown[]): void {
    assertRendererChannel(channel, 0);
    sessionOf(this).post({ kind: MessageKind.SendToHost, channel, args });
  }

  /** Sends to another renderer's `ipcRenderer` listeners (its `event.senderId` is this renderer's id). */
  sendTo(webContentsId: number, channel: string, ...args: unknown[]): void {
    if (!Number.isSafeInteger(webContentsId) || webContentsId < 0) {
      throw new TypeError(channelConversionMessage(webContentsId, 1));
    }
    assertRendererChannel(channel, 2);
    sessionOf(this).post({ kind: MessageKind.SendTo, webContentsId, channel, args });
  }

  /**
   * Calls with settings for this call only: a deadline (`withOptions({ timeout: 500 }).invoke(...)`,
   * `sendSync`) and a progress listener (`withOptions({ onProgress }).invoke(...)`, `send`).
   * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad `timeout` or an `onProgress` that is not a function.
   */
  withOptions(options: CallOptions): CallsWithOptions {
    checkDeadline('timeout', options?.timeout);
    checkFunction('onProgress', options?.onProgress, '({ phase, bytes, total })');
    const { timeout, onProgress } = options;
    return {
      invoke: (channel, ...args) => this.#invoke(timeout, channel, args, onProgress),
      sendSync: (channel, ...args) => {
        assertRendererChannel(channel);
        return sessionOf(this).sendSync(channel, args, timeout);
      },
      send: (channel, ...args) => {
        assertRendererChannel(channel);
        sessionOf(this).post({ kind: MessageKind.Send, channel, args }, onProgress);
      },
    };
  }

  /**
   * Not an `async` function: returning the session's promise from one would wrap it in another, settled
   * two microtasks later, for a promise and a job per call. What an `async` function guarantees is kept:
   * a bad channel (or any throw here) rejects rather than throws.
   */
  #invoke(
    timeout: number | undefined,
    channel: string,
    args: unknown[],
    onProgress?: ProgressListener,
  ): Promise<any> {
    try {
      assertRendererChannel(channel);
      return sessionOf(this).invoke(channel, args, timeout, onProgress);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** Ports this realm's renderers gave away: transferring one again is Electron's transfer error. */
const transferred = new WeakSet<object>();

/** `ipcRenderer.postMessage`'s transfer list: this realm's MessagePorts, each once, none given away. */
function checkTransfer(transfer: unknown): NativePort[] {
  if (transfer === undefined) return [];
  if (!Array.isArray(transfer)) throw new TypeError(INVALID_TRANSFER_MESSAGE);
  const seen = new Set<unknown>();
  for (const port of transfer) {
    if (!isNativePort(port) || seen.has(port) || transferred.has(port)) {
      throw new TypeError(INVALID_TRANSFER_MESSAGE);
    }
    seen.add(port);
  }
  return transfer as NativePort[];
}

function sessionOf(renderer: IpcRenderer): RendererSession {
  return internals.get(renderer)!.session;
}

/**
 * Connects an `IpcRenderer` to main through `transport`; what was sent before is delivered first.
 * `defaults` override the renderer's default call deadlines for this connection.
 */
export function attachTransport(
  renderer: IpcRenderer,
  transport: RendererTransport,
  defaults?: ConnectionDefaults,
): void {
  sessionOf(renderer).attach(transport, defaults);
}

/** True once a transport is attached (the connection may still be opening). */
export function isAttached(renderer: IpcRenderer): boolean {
  return sessionOf(renderer).isAttached;
}

/** Until a transport is attached, calls on `renderer` fail with `ERR_IPC_NOT_CONNECTED` and `message`. */
export function refuseUntilAttached(renderer: IpcRenderer, message: string): void {
  sessionOf(renderer).refuseUntilAttached(message);
}

/** Closes the renderer's connection; pending calls reject with `ERR_IPC_CLOSED`. */
export function closeRenderer(renderer: IpcRenderer): void {
  sessionOf(renderer).close();
}

/** The id main gave this renderer (0 until the hello arrives). */
export function webContentsIdOf(renderer: IpcRenderer): number {
  return sessionOf(renderer).webContentsId;
}

/** Lifecycle events kept off the renderer itself: `'connected'` (webContentsId) and `'closed'` (error). */
export function lifecycleOf(renderer: IpcRenderer): {
  on(event: 'connected', listener: (webContentsId: number) => void): unknown;
  on(event: 'closed', listener: (error: IpcError) => void): unknown;
  once(event: 'connected', listener: (webContentsId: number) => void): unknown;
  once(event: 'closed', listener: (error: IpcError) => void): unknown;
} {
  return internals.get(renderer)!.lifecycle;
}

/**
 * Calls `listener` for every message this renderer sends or receives (direction, kind, channel, size,
 * and round-trip time for invoke and sendSync replies). Returns a function that stops it. Costs
 * nothing while no listener is set.
 */
export function onTraffic(renderer: IpcRenderer, listener: RendererTrafficListener): () => void {
  const session = sessionOf(renderer);
  session.setTrafficListener(listener);
  return () => session.setTrafficListener(undefined);
}

/**
 * Calls `listener` whenever `renderer`'s connection changes state: connected, reconnecting after a
 * drop, resumed, a new session, closed (see {@link ConnectionEvent}). Returns a function that removes it.
 */
export function onConnectionState(renderer: IpcRenderer, listener: ConnectionListener): () => void {
  const listeners = internals.get(renderer)!.connectionListeners;
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** What `renderer`'s connection is doing now. */
export function connectionStateOf(renderer: IpcRenderer): ConnectionState {
  return sessionOf(renderer).connectionState;
}

/** For the `<webview>` host layer: guests' `sendToHost` messages addressed to this page. */
export function onHostMessage(renderer: IpcRenderer, listener: HostMessageListener): () => void {
  const listeners = internals.get(renderer)!.hostMessageListeners;
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For the `<webview>` host layer: `webview.send(...)` to a guest embedded in this page. */
export function sendToGuest(renderer: IpcRenderer, guestId: number, channel: string, args: unknown[]): void {
  assertRendererChannel(channel);
  sessionOf(renderer).post({ kind: MessageKind.WebviewSend, guestId, channel, args });
}

/** For the `<webview>` host layer: main's news about the guest of each registered token. */
export function onGuestState(renderer: IpcRenderer, listener: GuestStateListener): () => void {
  const listeners = internals.get(renderer)!.guestStateListeners;
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For the `<webview>` host layer: a guest presenting `token` may attach to this page (see docs/webview.md). */
export function registerGuest(renderer: IpcRenderer, token: string): void {
  sessionOf(renderer).post({ kind: MessageKind.GuestRegister, token });
}

/** For the `<webview>` host layer: the element registered as `token` is gone; main closes its guest. */
export function releaseGuest(renderer: IpcRenderer, token: string): void {
  sessionOf(renderer).post({ kind: MessageKind.GuestRelease, token });
}

/** For the page script: `agent` runs main's scripts and page commands for this (the page's) renderer. */
export function setPageAgent(renderer: IpcRenderer, agent: PageAgent | undefined): void {
  internals.get(renderer)!.pageAgent = agent;
}

/** For the page script: a lifecycle report or a console message, in order with everything sent. */
export function reportToMain(
  renderer: IpcRenderer,
  message: Unnumbered<RendererToMainPageState> | Unnumbered<RendererToMainConsoleMessage>,
): void {
  sessionOf(renderer).post(message);
}
