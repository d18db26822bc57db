/**
 * The browser classic script served at `/ipc-anywhere/renderer.js` (built to `dist/browser/renderer.js`
 * as a minified IIFE). It connects to the server that served it and puts `ipcRenderer` where Electron
 * renderer code looks for it: `window.ipcRenderer`, `window.electron.ipcRenderer` and
 * `require('electron').ipcRenderer`. `window.ipcAnywhere` has the rest (`connect`, `createIpcRenderer`,
 * `IpcError`, `isIpcError`).
 * @packageDocumentation
 */
import {
  autoConnect,
  type BrowserConnectOptions,
  connectRenderer,
  createRendererFor,
} from './api/renderer-connect.browser.js';
import {
  type ConnectionListener,
  connectionStateOf,
  IpcRenderer,
  onConnectionState,
  onTraffic,
} from './core/renderer/ipc-renderer-impl.js';
import type { RendererSessionOptions } from './core/renderer/renderer-session.js';
import type { RendererTrafficListener } from './core/renderer/renderer-traffic.js';
import { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';

const ipcRenderer = new IpcRenderer();
const electron = { ipcRenderer };
const global = globalThis as Record<string, any>;

/** The origin this script was loaded from: pages may come from elsewhere, the server is here. */
function scriptOrigin(): string | undefined {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  try {
    return src ? new URL(src).origin : globalThis.location?.origin;
  } catch {
    return globalThis.location?.origin;
  }
}

global.ipcAnywhere = {
  ipcRenderer,
  connect: (options?: BrowserConnectOptions) => connectRenderer(ipcRenderer, options),
  createIpcRenderer: (options?: BrowserConnectOptions & RendererSessionOptions) => createRendererFor(options),
  onTraffic: (listener: RendererTrafficListener, renderer: IpcRenderer = ipcRenderer) =>
    onTraffic(renderer, listener),
  onConnectionState: (listener: ConnectionListener, renderer: IpcRenderer = ipcRenderer) =>
    onConnectionState(renderer, listener),
  connectionState: (renderer: IpcRenderer = ipcRenderer) => connectionStateOf(renderer),
  IpcError,
  IpcErrorCode,
  isIpcError,
};
global.ipcRenderer = ipcRenderer;
if (typeof global.electron === 'object' && global.electron !== null)
  global.electron.ipcRenderer ??= ipcRenderer;
else global.electron = electron;

// `require('electron')` for v0.36-style renderer code; any other name goes to a require that was
// already there (a bundler's, or a preload's), and otherwise fails as Node's would.
const previousRequire: unknown = global.require;
global.require = function require(this: unknown, name: string, ...rest: unknown[]) {
  if (name === 'electron') return electron;
  if (typeof previousRequire === 'function') return previousRequire.call(this, name, ...rest);
  const error = new Error(`Cannot find module '${name}'`) as Error & { code: string };
  error.code = 'MODULE_NOT_FOUND';
  throw error;
};

autoConnect(ipcRenderer, scriptOrigin());
