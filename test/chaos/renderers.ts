import type { Browser, Page } from 'playwright-core';
import type { IpcServer } from '../../src/main.js';
import { connectionState, type IpcRenderer, onConnectionState } from '../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../src/renderer.node.js';
import { openPage } from '../transports/websocket/browser.js';
import {
  type DrivePlan,
  driveRenderer,
  type RendererReport,
  type SeenConnectionEvent,
} from './renderer-driver.js';

/** Fast reconnection, so that a run sees many resumes. */
export const RECONNECT = { reconnectDelay: 5, maxReconnectDelay: 50 } as const;

/** A renderer connected through the proxy, ready to be driven. */
export interface ChaosRenderer {
  drive(plan: DrivePlan): Promise<RendererReport>;
  close(): Promise<unknown>;
}

/**
 * Connection events from the start, for a driver that subscribes later: the first 'connected' happens
 * before the driver runs.
 */
function replayingWatcher(subscribe: (listener: (event: SeenConnectionEvent) => void) => void) {
  const events: SeenConnectionEvent[] = [];
  const listeners: ((event: SeenConnectionEvent) => void)[] = [];
  subscribe((event) => {
    events.push(event);
    for (const listener of listeners) listener(event);
  });
  return (listener: (event: SeenConnectionEvent) => void) => {
    for (const event of events) listener(event);
    listeners.push(listener);
  };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A Node client through the proxy, once connected. */
export async function nodeRenderer(proxyUrl: string): Promise<ChaosRenderer> {
  const ipc: IpcRenderer = createIpcRenderer({ url: proxyUrl, ...RECONNECT });
  const watch = replayingWatcher((listener) => onConnectionState(listener, ipc));
  await until(() => connectionState(ipc) === 'connected', 'a Node client to connect');
  return {
    drive: (plan) => driveRenderer(ipc, watch, plan),
    close: async () => disconnect(ipc),
  };
}

/**
 * A Chromium page served by `server` whose second renderer (the one driven) connects through the proxy;
 * the page's origin is the server's, which the server allows. The driver's source runs in the page.
 */
export async function pageRenderer(
  browser: Browser,
  server: IpcServer,
  proxyUrl: string,
): Promise<ChaosRenderer> {
  const { page } = await openPage(browser, server);
  await page.evaluate(
    async ({ url, options }) => {
      const w = window as any;
      const ipc = w.ipcAnywhere.createIpcRenderer({ url, ...options });
      w.chaos = { ipc, events: [], listeners: [] };
      w.ipcAnywhere.onConnectionState((event: unknown) => {
        w.chaos.events.push(event);
        for (const listener of w.chaos.listeners) listener(event);
      }, ipc);
      const deadline = Date.now() + 10_000;
      while (w.ipcAnywhere.connectionState(ipc) !== 'connected') {
        if (Date.now() > deadline) throw new Error('the page renderer did not connect through the proxy');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    { url: proxyUrl, options: RECONNECT },
  );
  return {
    drive: (plan) => drivePage(page, plan),
    close: () => page.close(),
  };
}

function drivePage(page: Page, plan: DrivePlan): Promise<RendererReport> {
  return page.evaluate(
    ({ source, plan }) => {
      const w = window as any;
      const drive = new Function(`return (${source});`)() as typeof driveRenderer;
      const watch = (listener: (event: SeenConnectionEvent) => void) => {
        for (const event of w.chaos.events) listener(event);
        w.chaos.listeners.push(listener);
      };
      return drive(w.chaos.ipc, watch, plan);
    },
    { source: driveRenderer.toString(), plan },
  );
}
