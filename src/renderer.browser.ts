/**
 * `ipc-anywhere/renderer` in browsers (export condition `browser`): a page served by ipc-anywhere's
 * server connects to it by itself; `connect(options)` exists for explicit setups.
 *
 * Auto-connect happens when this module is evaluated, so calls at startup (`sendSync` included) work:
 * `ipcRenderer` connects to `location.origin` unless `globalThis.ipcAnywhereConfig` (set before this
 * module loads) says `{ autoConnect: false }` or names another `{ url }`.
 * @packageDocumentation
 */
import { autoConnectDefault } from './api/connect.browser.js';

export {
  type AutoConnectConfig,
  type BrowserConnectOptions,
  connect,
  createIpcRenderer,
} from './api/connect.browser.js';
export type { WebviewElement } from './api/webview-element.browser.js';
export * from './renderer.js';

autoConnectDefault();
