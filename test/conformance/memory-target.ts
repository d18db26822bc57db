import { createMemoryIpc } from '../../src/testing.js';
import { type RendererScript, recordingLogger, type TargetFactory } from './harness.js';

/** Evaluates the script from its source text, as the out-of-process targets must, so closures fail here too. */
function fromSource<A extends unknown[], R>(script: RendererScript<A, R>): RendererScript<A, R> {
  return new Function(`return (${script.toString()});`)();
}

export const memoryTarget: TargetFactory = {
  name: 'memory',
  capabilities: { asyncSyncReply: false },
  async create() {
    const { logger, log } = recordingLogger();
    const ipc = createMemoryIpc({ logger, syncReplyTimeout: 2_000 });
    return {
      ipcMain: ipc.ipcMain,
      webContents: ipc.webContents,
      log,
      async createRenderer() {
        const { ipcRenderer, webContents } = ipc.createRenderer();
        return {
          webContents,
          run: async (script, ...args) => fromSource(script)({ ipcRenderer }, ...args),
        };
      },
      async close() {
        ipc.close();
      },
    };
  },
};
