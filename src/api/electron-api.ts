/**
 * `window.electron` as `@electron-toolkit/preload` exposes it (its `ElectronAPI`), which most
 * electron-vite apps read: the same methods, and `on`/`once` return a function that removes the
 * listener (React effects return it as their clean-up).
 * @packageDocumentation
 */
import type { IpcRenderer, IpcRendererEvent } from '../core/renderer/ipc-renderer-impl.js';
import type { PlatformMessagePort } from '../core/shared/platform-port.js';
import type { ContextBridge } from './context-bridge.js';
import type { PreloadProcess } from './process-shim.js';
import type { WebFrame } from './web-frame.js';
import type { WebUtils } from './web-utils.js';

/** What `require('electron')` gives a preload (and the names the bundler alias exports). */
export interface ElectronModule {
  readonly ipcRenderer: IpcRenderer;
  readonly contextBridge: ContextBridge;
  readonly webFrame: WebFrame;
  readonly webUtils: WebUtils;
}

export type IpcRendererListener = (event: IpcRendererEvent, ...args: any[]) => void;

/** `ElectronAPI['ipcRenderer']`: a wrapper whose `on` and `once` return a remover. */
export interface ElectronAPIIpcRenderer {
  send(channel: string, ...args: any[]): void;
  sendTo(webContentsId: number, channel: string, ...args: any[]): void;
  sendSync(channel: string, ...args: any[]): any;
  sendToHost(channel: string, ...args: any[]): void;
  /** `ipcRenderer.postMessage`: main gets the ports as `event.ports`. */
  postMessage(channel: string, message: any, transfer?: PlatformMessagePort[]): void;
  invoke(channel: string, ...args: any[]): Promise<any>;
  on(channel: string, listener: IpcRendererListener): () => void;
  once(channel: string, listener: IpcRendererListener): () => void;
  removeListener(channel: string, listener: (...args: any[]) => void): this;
  removeAllListeners(channel: string): void;
}

export interface ElectronAPIWebFrame {
  insertCSS(css: string): string;
  /** Ignored unless `factor` is a number above 0, as the toolkit does. */
  setZoomFactor(factor: number): void;
  /** Ignored unless `level` is a number, as the toolkit does. */
  setZoomLevel(level: number): void;
}

export interface ElectronAPIProcess {
  readonly platform: string;
  readonly versions: { readonly [key: string]: string | undefined };
  readonly env: { readonly [key: string]: string | undefined };
}

/** `@electron-toolkit/preload`'s `ElectronAPI`. */
export interface ElectronAPI {
  readonly ipcRenderer: ElectronAPIIpcRenderer;
  readonly webFrame: ElectronAPIWebFrame;
  readonly webUtils: Pick<WebUtils, 'getPathForFile'>;
  readonly process: ElectronAPIProcess;
}

/** A new `ElectronAPI` over `electron`'s modules. */
export function createElectronAPI(electron: ElectronModule, process: PreloadProcess): ElectronAPI {
  const { ipcRenderer, webFrame, webUtils } = electron;
  const ipc: ElectronAPIIpcRenderer = {
    send: (channel, ...args) => ipcRenderer.send(channel, ...args),
    sendTo: (webContentsId, channel, ...args) => ipcRenderer.sendTo(webContentsId, channel, ...args),
    sendSync: (channel, ...args) => ipcRenderer.sendSync(channel, ...args),
    sendToHost: (channel, ...args) => ipcRenderer.sendToHost(channel, ...args),
    postMessage: (channel, message, transfer) => ipcRenderer.postMessage(channel, message, transfer),
    invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    on(channel, listener) {
      ipcRenderer.on(channel, listener);
      return () => {
        ipcRenderer.removeListener(channel, listener);
      };
    },
    once(channel, listener) {
      ipcRenderer.once(channel, listener);
      return () => {
        ipcRenderer.removeListener(channel, listener);
      };
    },
    removeListener(channel, listener) {
      ipcRenderer.removeListener(channel, listener);
      return this;
    },
    removeAllListeners(channel) {
      ipcRenderer.removeAllListeners(channel);
    },
  };
  return {
    ipcRenderer: ipc,
    webFrame: {
      insertCSS: (css) => webFrame.insertCSS(css),
      setZoomFactor(factor) {
        if (typeof factor === 'number' && factor > 0) webFrame.setZoomFactor(factor);
      },
      setZoomLevel(level) {
        if (typeof level === 'number') webFrame.setZoomLevel(level);
      },
    },
    webUtils: { getPathForFile: (file) => webUtils.getPathForFile(file) },
    process: {
      platform: process.platform,
      versions: { ...process.versions },
      env: { ...process.env },
    },
  };
}
