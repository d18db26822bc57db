import { IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';

/** This renderer's `ipcRenderer`. Calls made before a connection exists are queued in order. */
export const ipcRenderer: IpcRenderer = new IpcRenderer();
