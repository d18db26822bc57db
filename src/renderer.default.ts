/**
 * `ipc-anywhere/renderer` where neither the `browser` nor the `node` export condition applies: what
 * TypeScript sees under `moduleResolution: "bundler"` (which knows no platform), and what a bundler
 * building for a neutral platform gets. The types are the two variants' common surface, with
 * `connect` and `createIpcRenderer` taking either variant's options. At run time this module cannot
 * know which way to connect, so those two throw a sentence saying how to pick a variant.
 * @packageDocumentation
 */
import type { BrowserConnectOptions } from './api/connect.browser.js';
import type { NodeConnectOptions } from './api/renderer-connect.node.js';
import type { IpcRenderer } from './core/renderer/ipc-renderer-impl.js';
import type { RendererSessionOptions } from './core/renderer/renderer-session.js';
import { IpcError, IpcErrorCode } from './protocol/errors.js';

export type { AutoConnectConfig, BrowserConnectOptions } from './api/connect.browser.js';
export type { NodeConnectOptions } from './api/renderer-connect.node.js';
export type { WebviewElement } from './api/webview-element.browser.js';
export * from './renderer.js';

/** What `connect` and `createIpcRenderer` take in a browser (`url` optional) or in Node (`url` required). */
export type ConnectOptions = BrowserConnectOptions | NodeConnectOptions;

function noVariant(name: string): IpcError {
  return new IpcError(
    IpcErrorCode.NotConnected,
    `${name}() is not in this build of ipc-anywhere/renderer: it was resolved through the package's "default" export condition, neither "browser" nor "node". Tell the bundler the platform (esbuild --platform=browser or node, webpack's target, Vite's resolve.conditions) so it picks a variant.`,
  );
}

/**
 * Connects the module's `ipcRenderer` (browser: to the page's origin unless `url` says otherwise;
 * Node: to `url`). Available in the `browser` and `node` variants only.
 * @throws IpcError `ERR_IPC_NOT_CONNECTED` here, where neither variant was resolved.
 */
export function connect(_options?: ConnectOptions): IpcRenderer {
  throw noVariant('connect');
}

/**
 * A new renderer with its own connection. Available in the `browser` and `node` variants only.
 * @throws IpcError `ERR_IPC_NOT_CONNECTED` here, where neither variant was resolved.
 */
export function createIpcRenderer(_options?: ConnectOptions & RendererSessionOptions): IpcRenderer {
  throw noVariant('createIpcRenderer');
}
