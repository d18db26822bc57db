import type { Browser, Page } from 'playwright-core';
import { createMain, createServer } from '../../src/main.js';
import { FIXTURES, openPage, testBundle } from '../transports/websocket/browser.js';
import { recordingLogger, type TargetFactory } from './harness.js';

/**
 * Main behind a real WebSocket server on loopback; each renderer is a fresh page in headless Chromium
 * that loaded the classic script, so `sendSync` is a real synchronous XHR. `browser()` returns the
 * browser the test file launched in `beforeAll`.
 */
export function chromiumTarget(browser: () => Browser): TargetFactory {
  return {
    name: 'websocket (Chromium page)',
    capabilities: { asyncSyncReply: true, portCloseEvents: false },
    async create() {
      const { logger, log } = recordingLogger();
      const main = createMain({ logger, syncReplyTimeout: 1_000 });
      const server = await createServer({ main, static: FIXTURES, clientScript: await testBundle() });
      const pages: Page[] = [];
      return {
        ipcMain: main.ipcMain,
        webContents: main.webContents,
        log,
        async createRenderer() {
          const { page, webContents } = await openPage(browser(), server);
          pages.push(page);
          return {
            webContents,
            // The script runs from its source text with `window.ipcRenderer` in scope.
            run: (script, ...args) =>
              page.evaluate(
                ([source, values]) => {
                  const fn = new Function(`return (${source});`)();
                  return fn({ ipcRenderer: (window as any).ipcRenderer }, ...values);
                },
                [script.toString(), args] as [string, unknown[]],
              ) as Promise<any>,
          };
        },
        async close() {
          await Promise.all(pages.map((page) => page.close()));
          await server.close();
        },
      };
    },
  };
}
