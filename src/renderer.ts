/**
 * `ipc-anywhere/renderer`: the renderer side (browser page, worker thread, or any JS process).
 * @packageDocumentation
 */
import { IpcRenderer } from './core/ipc-renderer-impl.js';

export { type CallOptions, IpcRenderer, type IpcRendererEvent } from './core/ipc-renderer-impl.js';
export type { RendererSessionOptions } from './core/renderer-session.js';
export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';

/** This renderer's `ipcRenderer`. Calls made before a connection exists are queued in order. */
export const ipcRenderer: IpcRenderer = new IpcRenderer();
