/**
 * `ipc-anywhere/renderer`: the renderer side (browser page, worker thread, or any JS process).
 * @packageDocumentation
 */
import { ipcRenderer } from './api/ipc-renderer.js';
import { type IpcRenderer, onTraffic as onRendererTraffic } from './core/renderer/ipc-renderer-impl.js';
import type { RendererTrafficListener } from './core/renderer/renderer-traffic.js';

export { ipcRenderer } from './api/ipc-renderer.js';
export type * from './api/typed-channels.js';
export { type TypedCalls, type TypedIpcRenderer, typedIpcRenderer } from './api/typed-ipc-renderer.js';
export { type CallOptions, IpcRenderer, type IpcRendererEvent } from './core/renderer/ipc-renderer-impl.js';
export type { RendererSessionOptions } from './core/renderer/renderer-session.js';
export type { RendererTrafficListener, RendererTrafficRecord } from './core/renderer/renderer-traffic.js';
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
