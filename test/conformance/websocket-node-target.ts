import { lifecycleOf } from '../../src/core/renderer/ipc-renderer-impl.js';
import type { IpcServer, WebContents } from '../../src/main.js';
import { createMain, createServer } from '../../src/main.js';
import type { IpcRenderer } from '../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../src/renderer.node.js';
import { type RendererScript, recordingLogger, type TargetFactory } from './harness.js';

/** Evaluates the script from its source text, as out-of-process targets must, so closures fail here too. */
function fromSource<A extends unknown[], R>(script: RendererScript<A, R>): RendererScript<A, R> {
  return new Function(`return (${script.toString()});`)();
}

/** Main behind a real WebSocket server on loopback; each renderer is a Node `ws` client in this process. */
export const websocketNodeTarget: TargetFactory = {
  name: 'websocket (Node client)',
  capabilities: { asyncSyncReply: true, blockingSendSync: false },
  async create() {
    const { logger, log } = recordingLogger();
    const main = createMain({ logger, syncReplyTimeout: 1_000 });
    const server: IpcServer = await createServer({ main });
    const renderers: IpcRenderer[] = [];
    return {
      ipcMain: main.ipcMain,
      webContents: main.webContents,
      log,
      async createRenderer() {
        const ipcRenderer = createIpcRenderer({ url: server.url });
        renderers.push(ipcRenderer);
        const id = await new Promise<number>((resolve, reject) => {
          lifecycleOf(ipcRenderer).once('connected', resolve);
          lifecycleOf(ipcRenderer).once('closed', reject);
        });
        const webContents = main.webContents.fromId(id) as WebContents;
        return {
          webContents,
          run: async (script, ...args) => fromSource(script)({ ipcRenderer }, ...args),
        };
      },
      async close() {
        for (const renderer of renderers) disconnect(renderer);
        await server.close();
      },
    };
  },
};
