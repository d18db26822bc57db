import type { IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import type { RendererSessionOptions } from '../core/renderer/renderer-session.js';
import { ipcRenderer } from './ipc-renderer.js';
import {
  autoConnect,
  type BrowserConnectOptions,
  connectRenderer,
  createRendererFor,
} from './renderer-connect.browser.js';

export type { AutoConnectConfig, BrowserConnectOptions } from './renderer-connect.browser.js';

/**
 * Connects `ipcRenderer` to an ipc-anywhere server (default: the page's origin) and returns it. Only
 * needed when auto-connect is off (`globalThis.ipcAnywhereConfig = { autoConnect: false }`).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `ipcRenderer` is already connected, or for a bad
 * option (an unknown name too).
 */
export function connect(options?: BrowserConnectOptions): IpcRenderer {
  return connectRenderer(ipcRenderer, options);
}

/**
 * A new renderer of its own, connected to `options.url` (default: the page's origin).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad option (an unknown name too).
 */
export function createIpcRenderer(options?: BrowserConnectOptions & RendererSessionOptions): IpcRenderer {
  return createRendererFor(options);
}

/**
 * Connects `ipcRenderer` to the page's origin unless the page opted out with
 * `globalThis.ipcAnywhereConfig = { autoConnect: false }` (or set `{ url }` to connect elsewhere).
 */
export function autoConnectDefault(): void {
  autoConnect(ipcRenderer, globalThis.location?.origin);
}
