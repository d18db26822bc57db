import {
  attachTransport,
  closeRenderer,
  IpcRenderer,
  isAttached,
  refuseUntilAttached,
} from '../core/renderer/ipc-renderer-impl.js';
import type { ConnectionDefaults, RendererSessionOptions } from '../core/renderer/renderer-session.js';
import { checkDeadlines } from '../core/shared/deadline.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { checkOptionNames, checkOptionsObject, describeValue } from '../protocol/options.js';
import {
  createNodeTransport,
  NODE_TRANSPORT_OPTION_NAMES,
  type NodeTransportOptions,
} from '../transports/websocket/node-client.js';
import { frameLimitFor } from '../transports/websocket/wire.js';
import { ipcRenderer } from './ipc-renderer.js';

/**
 * Where a Node renderer connects: a server from `createServer`/`attach` in another process. The
 * keepalive options (`keepaliveInterval`, `keepaliveTimeout`, default 10 s each) bound how long a dead
 * link goes unnoticed: at most `2 × keepaliveInterval + keepaliveTimeout`, then pending calls reject
 * with `ERR_IPC_CLOSED`.
 */
export interface NodeConnectOptions extends NodeTransportOptions, ConnectionDefaults {
  /** The server's URL (`http://127.0.0.1:PORT`; `ws://` works too). */
  url: string;
}

const CONNECT_OPTION_NAMES = ['url', 'invokeTimeout', 'sendSyncTimeout', ...NODE_TRANSPORT_OPTION_NAMES];
const RENDERER_OPTION_NAMES = [...CONNECT_OPTION_NAMES, 'limits', 'maxReplayBytes'];
const CONNECT_HINTS = { limits: 'only createIpcRenderer() takes limits (ipcRenderer already exists)' };

function checkOptions(where: string, options: unknown, names: readonly string[]): void {
  checkOptionsObject(where, options);
  if (options === undefined) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `${where}() needs the server's URL: ${where}({ url: 'http://127.0.0.1:8080' }).`,
    );
  }
  checkOptionNames(where, options, names, names === CONNECT_OPTION_NAMES ? CONNECT_HINTS : {});
  const { url } = options as { url?: unknown };
  if (typeof url !== 'string' || url === '') {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `${where}: url must be the server's URL, such as 'http://127.0.0.1:8080' (got ${describeValue(url)}).`,
    );
  }
}

/**
 * Connects this module's `ipcRenderer` to a main process over WebSocket and returns it. Until this is
 * called, calls on `ipcRenderer` fail with `ERR_IPC_NOT_CONNECTED`; from here on, calls made before the
 * socket opens are queued in order. `invokeTimeout`/`sendSyncTimeout` set default deadlines.
 * `sendSync` throws `ERR_IPC_SYNC_UNSUPPORTED` (a Node client cannot block on the socket); use
 * `invoke`. When the socket cannot be opened, calls reject with `ERR_IPC_CLOSED` naming the URL and
 * the cause (`ECONNREFUSED`, the HTTP status of a refused upgrade).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` without a `url` string, for a bad URL or option (an
 * unknown name too) or when `ipcRenderer` is already connected.
 * @example
 * import { connect } from 'ipc-anywhere/renderer';
 * const ipcRenderer = connect({ url: 'http://127.0.0.1:8080' });
 * console.log(await ipcRenderer.invoke('add', 1, 2));
 */
export function connect(options: NodeConnectOptions): IpcRenderer {
  // Check before opening a socket: one opened and then refused would live on as an orphan renderer.
  checkOptions('connect', options, CONNECT_OPTION_NAMES);
  checkDeadlines(options);
  if (isAttached(ipcRenderer)) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      'ipcRenderer is already connected; use createIpcRenderer().',
    );
  }
  attachTransport(ipcRenderer, createNodeTransport(options.url, options), options);
  return ipcRenderer;
}

/**
 * A new renderer connected to the server at `options.url` (tests and tools that need many in one
 * process). `limits` bound what main may send it.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad URL or option (an unknown name too).
 */
export function createIpcRenderer(options: NodeConnectOptions & RendererSessionOptions): IpcRenderer {
  checkOptions('createIpcRenderer', options, RENDERER_OPTION_NAMES);
  const renderer = new IpcRenderer(options);
  // The socket must take every frame the renderer says it accepts (unless told otherwise).
  const accepted = options.limits?.maxPayload;
  const transportOptions =
    accepted === undefined
      ? options
      : {
          ...options,
          maxPayload: options.maxPayload ?? frameLimitFor(accepted),
          announcedMaxPayload: accepted,
        };
  attachTransport(renderer, createNodeTransport(options.url, transportOptions));
  return renderer;
}

/** Closes a renderer's connection (the process can then exit); pending calls reject with `ERR_IPC_CLOSED`. */
export function disconnect(renderer: IpcRenderer = ipcRenderer): void {
  closeRenderer(renderer);
}

/**
 * Called once by the Node entry when it loads. A Node process's `ipcRenderer` connects only through
 * {@link connect}, so calls before that fail at once with `ERR_IPC_NOT_CONNECTED` instead of waiting
 * for a connection that may never come. (A worker started by `createWorkerRenderer` is connected
 * already; browsers connect by themselves and queue.)
 */
export function refuseCallsBeforeConnect(renderer: IpcRenderer): void {
  if (isAttached(renderer)) return;
  refuseUntilAttached(
    renderer,
    'ipcRenderer is not connected: call connect({ url }) first (in Node.js it connects only when told to; only a worker thread started by createWorkerRenderer() is connected by itself).',
  );
}
