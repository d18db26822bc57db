import {
  type ConnectionListener,
  connectionStateOf,
  type IpcRenderer,
  onConnectionState as onRendererConnectionState,
  onTraffic as onRendererTraffic,
} from '../core/renderer/ipc-renderer-impl.js';
import type { ConnectionState } from '../core/renderer/renderer-session.js';
import type { RendererTrafficListener } from '../core/renderer/renderer-traffic.js';
import { autoConnectDefault } from './connect.browser.js';
import { ipcRenderer as ownIpcRenderer } from './ipc-renderer.js';
import { installPageLifecycle } from './page-lifecycle.browser.js';
import { pageRuntime } from './page-runtime.js';
import { type BrowserConnectOptions, connectRenderer } from './renderer-connect.browser.js';
import { webFrame as ownWebFrame, type WebFrame } from './web-frame.js';

/**
 * The ESM entry in a page where the classic script already runs (a preload bundled with the `electron`
 * alias, served by `createServer({ preload })`) takes that script's renderer and `webFrame`: one page,
 * one connection, one WebContents.
 */
const runtime = pageRuntime();
const shared = runtime?.electron.ipcRenderer;

/** This page's `ipcRenderer`. Calls made before a connection exists are queued in order. */
export const ipcRenderer: IpcRenderer = shared ?? ownIpcRenderer;

/** This page's `webFrame` (docs/preload.md: what it does in a browser). */
export const webFrame: WebFrame = runtime?.electron.webFrame ?? ownWebFrame;

/**
 * Connects `ipcRenderer` to an ipc-anywhere server (default: the page's origin) and returns it. Only
 * needed when auto-connect is off (`globalThis.ipcAnywhereConfig = { autoConnect: false }`).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `ipcRenderer` is already connected, or for a bad
 * option (an unknown name too).
 */
export function connect(options?: BrowserConnectOptions): IpcRenderer {
  return runtime ? runtime.connect(options) : connectRenderer(ownIpcRenderer, options);
}

/** Connects this bundle's own renderer, unless the page's classic script has one already. */
export function autoConnectPage(): void {
  if (runtime) return;
  autoConnectDefault();
  // Without the classic script, this bundle's renderer is the page's: it reports the page's lifecycle.
  installPageLifecycle(ownIpcRenderer);
}

/**
 * Inspects this renderer's IPC traffic (direction, kind, channel, size, round-trip time): `listener`
 * gets a record per message. One listener per renderer; returns a function that removes it.
 */
export function onTraffic(
  listener: RendererTrafficListener,
  renderer: IpcRenderer = ipcRenderer,
): () => void {
  if (runtime && renderer === shared) return runtime.onTraffic(listener, renderer);
  return onRendererTraffic(renderer, listener);
}

/**
 * Follows the connection to main: `listener` gets `{ state: 'connected' | 'reconnecting' | 'resumed' |
 * 'new-session' | 'closed', ... }` at every change (docs/resume.md). Returns a function that removes it.
 */
export function onConnectionState(
  listener: ConnectionListener,
  renderer: IpcRenderer = ipcRenderer,
): () => void {
  if (runtime && renderer === shared) return runtime.onConnectionState(listener, renderer);
  return onRendererConnectionState(renderer, listener);
}

/** What the connection to main is doing now: `'connecting'`, `'connected'`, `'reconnecting'` or `'closed'`. */
export function connectionState(renderer: IpcRenderer = ipcRenderer): ConnectionState {
  if (runtime && renderer === shared) return runtime.connectionState(renderer);
  return connectionStateOf(renderer);
}
