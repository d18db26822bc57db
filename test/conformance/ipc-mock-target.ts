import { createIPCMock } from '../../src/testing.js';
import { type RendererScript, recordingLogger, type TargetFactory } from './harness.js';

/** Evaluates the script from its source text, as the out-of-process targets must, so closures fail here too. */
function fromSource<A extends unknown[], R>(script: RendererScript<A, R>): RendererScript<A, R> {
  return new Function(`return (${script.toString()});`)();
}

/**
 * `createIPCMock()` as a test suite migrated from electron-mock-ipc sees it: the first renderer is the
 * mock's own `ipcRenderer`; tests that need a second one get it from the same in-memory world.
 */
export const ipcMockTarget: TargetFactory = {
  name: 'createIPCMock',
  capabilities: { asyncSyncReply: false },
  async create() {
    const { logger, log } = recordingLogger();
    const mock = createIPCMock({ logger, syncReplyTimeout: 2_000 });
    let handedOut = false;
    return {
      ipcMain: mock.ipcMain,
      webContents: mock.memory.webContents,
      log,
      async createRenderer() {
        const { ipcRenderer, webContents } = handedOut ? mock.memory.createRenderer() : mock;
        handedOut = true;
        return {
          webContents,
          run: async (script, ...args) => fromSource(script)({ ipcRenderer }, ...args),
        };
      },
      async close() {
        mock.memory.close();
      },
    };
  },
};
