import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SUBPROTOCOL } from '../../../src/transports/websocket/wire.js';
import { chromiumSuite } from './browser.js';
import { startSilentProxy } from './silent-proxy.js';

const suite = chromiumSuite();
const { cleanup, start } = suite;
const open = suite.open.bind(suite);

describe('WebSocket client keepalive in a Chromium page', () => {
  it("a page's link goes silent: its pending invoke rejects with ERR_IPC_CLOSED, then send throws it", async () => {
    const { main, server } = await start();
    main.ipcMain.handle('ready', () => true);
    main.ipcMain.handle('never', () => new Promise(() => {}));
    const proxy = await startSilentProxy(server.url);
    cleanup.push(() => proxy.close());
    const { page } = await open(server);
    // A renderer of its own, through the proxy (its Origin is still the server's own).
    await page.evaluate(async (url) => {
      const w = window as any;
      w.viaProxy = w.ipcAnywhere.createIpcRenderer({
        url,
        keepaliveInterval: 200,
        keepaliveTimeout: 400,
        reconnect: false,
      });
      await w.viaProxy.invoke('ready');
    }, proxy.url);
    proxy.silence();
    const outcome = await page.evaluate(async () => {
      const ipc = (window as any).viaProxy;
      const started = performance.now();
      const sentBefore = (() => {
        try {
          ipc.send('queued');
          return 'queued';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      })();
      try {
        await ipc.invoke('never');
        return { result: 'resolved' };
      } catch (error) {
        const ms = performance.now() - started;
        let sentAfter = 'no error';
        try {
          ipc.send('too late');
        } catch (late) {
          sentAfter = (late as { code?: string }).code ?? String(late);
        }
        const { code, message } = error as { code?: string; message: string };
        return { code, message, ms, sentBefore, sentAfter };
      }
    });
    expect(outcome).toMatchObject({
      code: 'ERR_IPC_CLOSED',
      message: expect.stringMatching(/no answer from main within 400 ms of a keepalive ping/),
      sentBefore: 'queued',
      sentAfter: 'ERR_IPC_CLOSED',
    });
    // 2 x interval + timeout at most, plus a margin for a loaded machine.
    expect(outcome.ms).toBeGreaterThanOrEqual(390);
    expect(outcome.ms).toBeLessThan(800 + 1500);
    // The page's own connection, not through the proxy, is untouched.
    expect(await page.evaluate(() => (window as any).ipcRenderer.invoke('ready'))).toBe(true);
  });

  // Headless Chromium neither throttles nor freezes pages (CDP's frozen state held nothing back here), so
  // a long task stands in for them: the page's timers and socket events wait, as in a background tab.
  it('a healthy link: pings are answered, and a long task between a ping and its answer is no false verdict', async () => {
    const { server } = await start();
    const { page } = await open(server);
    const block = (ms: number) =>
      page.evaluate((ms) => {
        const until = performance.now() + ms;
        while (performance.now() < until) {
          // a long task: timers and socket events wait
        }
      }, ms);
    // Main's half of the contract (answer every zero-length message with one), except that the first
    // pings are answered only once the page is busy, and it stays busy past its timeout: when it is
    // free again, both its expired timer and the answer are waiting.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => SUBPROTOCOL });
    cleanup.push(() => {
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => wss.close(resolve));
    });
    await once(wss, 'listening');
    let pings = 0;
    let blockedRounds = 0;
    wss.on('connection', (socket) => {
      socket.on('message', async (data: Buffer, isBinary) => {
        if (!isBinary || data.length > 0) return;
        pings += 1;
        if (blockedRounds === 3) {
          socket.send(Buffer.alloc(0));
          return;
        }
        blockedRounds += 1;
        const blocked = block(700); // the page's 200 ms timeout passes meanwhile
        await new Promise((resolve) => setTimeout(resolve, 150));
        socket.send(Buffer.alloc(0));
        await blocked;
      });
    });
    const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    await page.evaluate((url) => {
      const w = window as any;
      w.outcome = 'pending';
      const ipc = w.ipcAnywhere.createIpcRenderer({ url, keepaliveInterval: 100, keepaliveTimeout: 200 });
      // Nothing answers invokes here: this settles only if the link is declared dead.
      ipc.invoke('nothing').catch((error: { code?: string }) => {
        w.outcome = error.code;
      });
    }, url);
    await expect.poll(() => pings, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    expect(blockedRounds).toBe(3);
    expect(await page.evaluate(() => (window as any).outcome)).toBe('pending');
  });
});
