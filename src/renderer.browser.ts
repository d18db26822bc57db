/**
 * `ipc-anywhere/renderer` in browsers (export condition `browser`): a page served by ipc-anywhere's
 * server connects to it by itself; `connect(options)` exists for explicit setups. This is also the
 * target of the bundler alias `electron` -> `ipc-anywhere/renderer`: `ipcRenderer`, `contextBridge`,
 * `webFrame` and `webUtils` are named exports (docs/preload.md).
 *
 * Auto-connect happens when this module is evaluated, so calls at startup (`sendSync` included) work:
 * `ipcRenderer` connects to `location.origin` unless `globalThis.ipcAnywhereConfig` (set before this
 * module loads) says `{ autoConnect: false }` or names another `{ url }`. In a page where the classic
 * script (`/ipc-anywhere/renderer.js`) already runs, this module uses that script's `ipcRenderer`
 * instead of connecting again.
 * @packageDocumentation
 */
import { autoConnectPage } from './api/page-modules.browser.js';

export {
  type AutoConnectConfig,
  type BrowserConnectOptions,
  createIpcRenderer,
} from './api/connect.browser.js';
export {
  connect,
  connectionState,
  ipcRenderer,
  onConnectionState,
  onTraffic,
  webFrame,
} from './api/page-modules.browser.js';
export type { WebviewElement } from './api/webview-element.browser.js';
export * from './renderer.js';

autoConnectPage();
