/**
 * `ipc-anywhere/renderer`: the renderer side (browser page, worker thread, or any JS process), with
 * the names a preload imports from `electron` (`ipcRenderer`, `contextBridge`, `webFrame`, `webUtils`).
 * @packageDocumentation
 */
import { ipcRenderer } from './api/ipc-renderer.js';
import {
  type ConnectionListener,
  connectionStateOf,
  type IpcRenderer,
  onConnectionState as onRendererConnectionState,
  onTraffic as onRendererTraffic,
} from './core/renderer/ipc-renderer-impl.js';
import type { ConnectionState } from './core/renderer/renderer-session.js';
import type { RendererTrafficListener } from './core/renderer/renderer-traffic.js';

export { type ContextBridge, contextBridge, type ExecutionScript } from './api/context-bridge.js';
export type {
  ElectronAPI,
  ElectronAPIIpcRenderer,
  ElectronAPIProcess,
  ElectronAPIWebFrame,
  ElectronModule,
  IpcRendererListener,
} from './api/electron-api.js';
export { ipcRenderer } from './api/ipc-renderer.js';
export type { PreloadProcess } from './api/process-shim.js';
export type * from './api/typed-channels.js';
export {
  type TypedCalls,
  type TypedCallsWithOptions,
  type TypedIpcRenderer,
  typedIpcRenderer,
} from './api/typed-ipc-renderer.js';
export { type WebFrame, webFrame } from './api/web-frame.js';
export { type WebUtils, webUtils } from './api/web-utils.js';
export type { ConnectionListener } from './core/renderer/ipc-renderer-impl.js';
export {
  type CallOptions,
  type CallsWithOptions,
  IpcRenderer,
  type IpcRendererEvent,
} from './core/renderer/ipc-renderer-impl.js';
export type {
  ConnectionEvent,
  ConnectionState,
  RendererSessionOptions,
} from './core/renderer/renderer-session.js';
export type { RendererTrafficListener, RendererTrafficRecord } from './core/renderer/renderer-traffic.js';
export { EXISTING_PROPERTY_MESSAGE } from './core/shared/electron-texts.js';
export type { ProgressListener, TransferProgress } from './core/shared/transfer-progress.js';
export { setShapeCompilation } from './protocol/codec/shape-compiler.js';
export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';

/**
 * Inspects this renderer's IPC traffic (direction, kind, channel, size, round-trip time): `listener`
 * gets a record per message. One listener per renderer; returns a function that removes it.
 */
export function onTraffic(
  listener: RendererTrafficListener,
  renderer: IpcRenderer = ipcRenderer,
): () => void {
  return onRendererTraffic(renderer, listener);
}

/**
 * Follows the connection to main: `listener` gets `{ state: 'connected' | 'reconnecting' | 'resumed' |
 * 'new-session' | 'closed', ... }` at every change (docs/resume.md). After `'new-session'` main has
 * forgotten this renderer (it restarted, or the renderer was away longer than its grace period): re-sync
 * the app's state. Returns a function that removes the listener.
 */
export function onConnectionState(
  listener: ConnectionListener,
  renderer: IpcRenderer = ipcRenderer,
): () => void {
  return onRendererConnectionState(renderer, listener);
}

/** What the connection to main is doing now: `'connecting'`, `'connected'`, `'reconnecting'` or `'closed'`. */
export function connectionState(renderer: IpcRenderer = ipcRenderer): ConnectionState {
  return connectionStateOf(renderer);
}
