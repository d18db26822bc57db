import type { MainOptions } from '../api/main-context.js';
import type { IpcMain, WebContents } from '../core/main/web-contents-impl.js';
import type { IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import { createMemoryIpc, type MemoryIpc } from './memory-ipc.js';

/**
 * `ipcMain` of an {@link IPCMock}: Electron's `IpcMain`, plus the `send` that electron-mock-ipc
 * users call to push a message to the mocked renderer (Electron has no `ipcMain.send`).
 */
export interface IPCMockMain extends IpcMain {
  /**
   * `webContents.send(channel, ...args)` to the mock's `ipcRenderer`. Bound, so
   * `const send = ipcMain.send` works.
   * @throws Error `An object could not be cloned.` when an argument cannot be cloned
   */
  send(channel: string, ...args: unknown[]): void;
}

/** What {@link createIPCMock} returns: electron-mock-ipc's `{ ipcMain, ipcRenderer }`, and more. */
export interface IPCMock {
  readonly ipcMain: IPCMockMain;
  readonly ipcRenderer: IpcRenderer;
  /** Main's view of `ipcRenderer`: what `event.sender` is in main's listeners and handlers. */
  readonly webContents: WebContents;
  /** The in-memory world underneath: more renderers, the traffic record, `close()`. */
  readonly memory: MemoryIpc;
}

/**
 * A drop-in for electron-mock-ipc's `createIPCMock()`: an `ipcMain` and an `ipcRenderer` connected
 * in memory, with Electron's real behaviour (arguments cloned, `sendSync` answered by main, invoke
 * errors and missing handlers rejected). Each call makes a world of its own.
 * @example
 * // test/mock/electron.ts, mapped to 'electron' by the test runner
 * import { createIPCMock } from 'ipc-anywhere/testing';
 * const { ipcMain, ipcRenderer } = createIPCMock();
 * export { ipcMain, ipcRenderer };
 */
export function createIPCMock(options?: MainOptions): IPCMock {
  const memory = createMemoryIpc(options);
  const { ipcRenderer, webContents } = memory.createRenderer({ url: 'memory://ipc-mock' });
  const ipcMain = memory.ipcMain as IPCMockMain;
  // Not enumerable, so the world's ipcMain looks like Electron's to anything that lists its keys.
  Object.defineProperty(ipcMain, 'send', {
    value: (channel: string, ...args: unknown[]) => webContents.send(channel, ...args),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return { ipcMain, ipcRenderer, webContents, memory };
}
