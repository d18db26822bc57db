import { addRenderer, attachTransport, createMain, IpcRenderer } from '../../src/transport.js';
import { createPortPairTransport } from './example-transport.js';
import { type RendererScript, recordingLogger, type TargetFactory } from './harness.js';

/** Evaluates the script from its source text, as out-of-process targets must, so closures fail here too. */
function fromSource<A extends unknown[], R>(script: RendererScript<A, R>): RendererScript<A, R> {
  return new Function(`return (${script.toString()});`)();
}

/** Each renderer is an `IpcRenderer` joined to main by the example transport of docs/transports.md. */
export const exampleTransportTarget: TargetFactory = {
  name: 'example transport (a MessagePort pair, public entry only)',
  capabilities: { asyncSyncReply: true, blockingSendSync: false },
  async create() {
    const { logger, log } = recordingLogger();
    const main = createMain({ logger, syncReplyTimeout: 1_000 });
    const links: { close(): void }[] = [];
    let count = 0;
    return {
      ipcMain: main.ipcMain,
      webContents: main.webContents,
      log,
      async createRenderer() {
        count += 1;
        const link = createPortPairTransport();
        links.push(link.renderer);
        const url = `port-pair://renderer/${count}`;
        const webContents = addRenderer(main, link.main, {
          type: 'remote',
          url,
          origin: 'port-pair://renderer',
        });
        const ipcRenderer = new IpcRenderer();
        attachTransport(ipcRenderer, link.renderer);
        return {
          webContents,
          run: async (script, ...args) => fromSource(script)({ ipcRenderer }, ...args),
        };
      },
      async close() {
        for (const link of links) link.close();
        main.closeAllRenderers();
      },
    };
  },
};
