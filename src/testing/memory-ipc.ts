import { addRenderer, createMain, type MainOptions } from '../api/main-context.js';
import { createInvokeEvent } from '../core/main/main-events.js';
import type { WebContentsModule } from '../core/main/main-world.js';
import type { WebContents } from '../core/main/web-contents-impl.js';
import { type IpcMain, invokeChannelsOf, invokeHandlerOf } from '../core/main/web-contents-impl.js';
import { attachTransport, closeRenderer, IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import type { RendererSessionOptions } from '../core/renderer/renderer-session.js';
import { noHandlerMessage } from '../core/shared/electron-texts.js';
import { decode, encode } from '../protocol/codec/index.js';
import { createMemoryLink } from '../transports/memory/memory-transport.js';
import { TrafficRecorder } from './traffic-recorder.js';

export interface MemoryRendererOptions extends RendererSessionOptions {
  /** What `webContents.getURL()` and `event.senderFrame.url` report. Default `memory://renderer/<n>`. */
  url?: string;
  /** Makes this renderer a `<webview>` guest of that host (for testing `sendToHost`). */
  hostWebContents?: WebContents;
}

export interface MemoryRenderer {
  readonly ipcRenderer: IpcRenderer;
  readonly webContents: WebContents;
}

export interface MemoryIpc {
  readonly ipcMain: IpcMain;
  readonly webContents: WebContentsModule;
  /** Every message that crossed a link of this world, with decoded arguments and call outcomes. */
  readonly traffic: TrafficRecorder;
  /** A new renderer connected to this world's main. */
  createRenderer(options?: MemoryRendererOptions): MemoryRenderer;
  /** Channels with an invoke handler on `ipcMain` (and, given a WebContents, on its `ipc`). */
  handlerChannels(webContents?: WebContents): string[];
  /**
   * Calls the handler `invoke` would reach, directly, with cloned arguments and result, as if
   * `webContents` (default: a fresh renderer) had invoked it. Rejects with Electron's text when none.
   */
  callHandler(channel: string, args?: unknown[], webContents?: WebContents): Promise<unknown>;
  /** Disconnects every renderer. */
  close(): void;
}

/**
 * An in-memory main process with as many renderers as a test needs: the same codec, ordering and
 * error texts as the real transports, no Electron and no I/O.
 * @example
 * const ipc = createMemoryIpc();
 * ipc.ipcMain.handle('add', (_e, a, b) => a + b);
 * const { ipcRenderer } = ipc.createRenderer();
 * expect(await ipcRenderer.invoke('add', 1, 2)).toBe(3);
 */
export function createMemoryIpc(options?: MainOptions): MemoryIpc {
  const main = createMain(options);
  const traffic = new TrafficRecorder();
  const renderers: IpcRenderer[] = [];
  let count = 0;
  let defaultSender: WebContents | undefined;

  const createRenderer = (rendererOptions: MemoryRendererOptions = {}): MemoryRenderer => {
    count += 1;
    let contents: WebContents | undefined;
    const link = createMemoryLink(
      traffic.tapFor(() => contents?.id ?? 0),
      rendererOptions.limits?.maxPayload,
    );
    const ipcRenderer = new IpcRenderer(rendererOptions);
    const url = rendererOptions.url ?? `memory://renderer/${count}`;
    contents = addRenderer(main, link.main, {
      type: rendererOptions.hostWebContents ? 'webview' : 'window',
      url,
      origin: originOf(url),
      hostWebContents: rendererOptions.hostWebContents ?? null,
    });
    attachTransport(ipcRenderer, link.renderer);
    renderers.push(ipcRenderer);
    return { ipcRenderer, webContents: contents };
  };

  return {
    ipcMain: main.ipcMain,
    webContents: main.webContents,
    traffic,
    createRenderer,
    handlerChannels: (webContents) => [
      ...new Set([
        ...(webContents ? invokeChannelsOf(webContents.ipcIfUsed) : []),
        ...invokeChannelsOf(main.ipcMain),
      ]),
    ],
    async callHandler(channel, args = [], webContents) {
      // One renderer stands in for every call without a sender, rather than a new one per call.
      defaultSender ??= createRenderer({ url: 'memory://call-handler' }).webContents;
      const sender = webContents ?? defaultSender;
      const handler = invokeHandlerOf(sender.ipcIfUsed, channel) ?? invokeHandlerOf(main.ipcMain, channel);
      if (!handler) throw new Error(noHandlerMessage(channel));
      const result = await handler(createInvokeEvent(sender), ...(decode(encode(args)) as unknown[]));
      return decode(encode(result));
    },
    close() {
      for (const renderer of renderers) closeRenderer(renderer);
      main.closeAllRenderers();
    },
  };
}

function originOf(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? url.split('/').slice(0, 3).join('/') : origin;
  } catch {
    return 'null';
  }
}
