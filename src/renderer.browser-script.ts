/**
 * The browser classic script served at `/ipc-anywhere/renderer.js` (built to `dist/browser/renderer.js`
 * as a minified IIFE). It connects to the server that served it and puts Electron's renderer modules
 * where Electron renderer code looks for them: `window.ipcRenderer`, `require('electron')` (`ipcRenderer`,
 * `contextBridge`, `webFrame`, `webUtils`) and `window.electron` (@electron-toolkit/preload's
 * `ElectronAPI`, which a preload may replace with its own). `window.ipcAnywhere` has the rest
 * (`connect`, `createIpcRenderer`, `IpcError`, `isIpcError`, ...). It also runs the preloads the server
 * serves after it (docs/preload.md).
 * @packageDocumentation
 */

import { deepFreeze } from './api/bridge-copy.js';
import { contextBridge, defineReplaceableGlobal } from './api/context-bridge.js';
import { createElectronAPI, type ElectronModule } from './api/electron-api.js';
import { installPageLifecycle } from './api/page-lifecycle.browser.js';
import { hasPageRuntime, PAGE_RUNTIME_VERSION, registerPageRuntime } from './api/page-runtime.js';
import { createPreloadRunner } from './api/preload-runtime.js';
import { createPreloadProcess } from './api/process-shim.js';
import {
  autoConnect,
  type BrowserConnectOptions,
  connectRenderer,
  createRendererFor,
} from './api/renderer-connect.browser.js';
import { createWebFrame } from './api/web-frame.js';
import { webUtils } from './api/web-utils.js';
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

function install(): void {
  const ipcRenderer = new IpcRenderer();
  const electron: ElectronModule = { ipcRenderer, contextBridge, webFrame: createWebFrame(), webUtils };
  const preloadProcess = createPreloadProcess();
  const api = {
    ipcRenderer,
    connect: (options?: BrowserConnectOptions) => connectRenderer(ipcRenderer, options),
    createIpcRenderer: (options?: BrowserConnectOptions & RendererSessionOptions) =>
      createRendererFor(options),
    onTraffic: (listener: RendererTrafficListener, renderer: IpcRenderer = ipcRenderer) =>
      onTraffic(renderer, listener),
    onConnectionState: (listener: ConnectionListener, renderer: IpcRenderer = ipcRenderer) =>
      onConnectionState(renderer, listener),
    connectionState: (renderer: IpcRenderer = ipcRenderer) => connectionStateOf(renderer),
    IpcError,
    IpcErrorCode,
    isIpcError,
  };
  global.ipcAnywhere = api;
  registerPageRuntime({
    version: PAGE_RUNTIME_VERSION,
    electron,
    runPreload: createPreloadRunner(electron, preloadProcess),
    connect: api.connect,
    onTraffic: api.onTraffic,
    onConnectionState: api.onConnectionState,
    connectionState: api.connectionState,
  });
  defineReplaceableGlobal('ipcRenderer', ipcRenderer);
  if (typeof global.electron === 'object' && global.electron !== null)
    global.electron.ipcRenderer ??= ipcRenderer;
  else {
    const electronAPI = createElectronAPI(electron, preloadProcess);
    deepFreeze(electronAPI);
    defineReplaceableGlobal('electron', electronAPI);
  }

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
  // After connecting: the page's first message says it is loading (docs/api.md, "Page lifecycle").
  installPageLifecycle(ipcRenderer);
}

// A page may load this script twice (the server puts it before the preloads, and the page has its own
// tag): the first one stays, so the page keeps one connection.
if (!hasPageRuntime()) install();
