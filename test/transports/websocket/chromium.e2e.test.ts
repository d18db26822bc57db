import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logText } from '../../conformance/harness.js';
import { chromiumSuite, openPage } from './browser.js';
import { rawClient } from './raw-client.js';

const suite = chromiumSuite();
const { cleanup, start } = suite;
const open = suite.open.bind(suite);

describe('Chromium page as a renderer', () => {
  it('sendSync really blocks the page: a timer scheduled before it fires after it returns', async () => {
    const { main, server } = await start();
    main.ipcMain.on('slow', (event) => {
      setTimeout(() => {
        event.returnValue = 'answer';
      }, 100);
    });
    const { page } = await open(server);
    const result = await page.evaluate(() => {
      const order: string[] = [];
      const timer = new Promise((resolve) => setTimeout(() => resolve(order.push('timer')), 0));
      const started = performance.now();
      const value = (window as any).ipcRenderer.sendSync('slow');
      order.push(`returned ${value}`);
      const blockedMs = performance.now() - started;
      return timer.then(() => ({ order, blockedMs }));
    });
    expect(result.order).toEqual(['returned answer', 'timer']);
    expect(result.blockedMs).toBeGreaterThanOrEqual(90);
  });

  it('sendSync after sendSync with no task between: each request carries only itself', async () => {
    const { main, server } = await start();
    const calls: number[] = [];
    main.ipcMain.on('count', (event, n: number) => {
      calls.push(n);
      event.returnValue = n * 2;
    });
    const { page } = await open(server);
    const result = await page.evaluate(() => {
      const bodies: number[] = [];
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: any) {
        bodies.push(body?.byteLength ?? 0);
        return send.call(this, body);
      };
      const answers: number[] = [];
      try {
        for (let i = 0; i < 300; i++) answers.push((window as any).ipcRenderer.sendSync('count', i));
      } finally {
        XMLHttpRequest.prototype.send = send;
      }
      return { bodies, answers };
    });
    expect(result.answers).toEqual(Array.from({ length: 300 }, (_, i) => i * 2));
    expect(calls).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Each answer acknowledges what came before: without that, main's acknowledgements wait unread on
    // the socket while the page blocks, and request n carried the n before it (some 25 bytes each).
    expect(result.bodies).toHaveLength(300);
    expect(Math.max(...result.bodies.slice(1))).toBeLessThanOrEqual(64);
  });

  it('runs unchanged Electron-style renderer code on a plain HTML page', async () => {
    const { main, server } = await start();
    main.ipcMain.on('get-settings', (event) => {
      event.returnValue = { theme: 'dark' };
    });
    main.ipcMain.on('hello', (event, name) => event.reply('hello-reply', `Hello, ${name}!`));
    main.ipcMain.handle('add', (_event, a, b) => a + b);
    const rendered = new Promise((resolve) =>
      main.ipcMain.once('rendered', (_event, ...args) => resolve(args)),
    );
    const sum = new Promise((resolve) => main.ipcMain.once('sum', (_event, value) => resolve(value)));
    const { page } = await open(server, '/electron-style.html');
    expect(await rendered).toEqual(['Hello, world!', true]);
    expect(await sum).toBe(5);
    expect(await page.title()).toBe('theme: dark');
  });

  it('a sendSync at startup, before the socket is open, arrives after the sends queued before it', async () => {
    const { main, server } = await start();
    const order: unknown[] = [];
    main.ipcMain.on('step', (_event, n) => order.push(n));
    main.ipcMain.on('step-sync', (event, n) => {
      order.push(n);
      event.returnValue = `sync ${n}`;
    });
    const { page } = await open(server, '/startup-order.html');
    await expect.poll(() => order.length).toBe(4);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(await page.evaluate(() => (window as any).syncAnswer)).toBe('sync 3');
  });

  it('puts ipcRenderer on window, window.electron and require("electron"), chaining an existing require', async () => {
    const { server } = await start();
    const { page } = await open(server, '/require-chain.html');
    const result = await page.evaluate(() => {
      const w = window as any;
      return {
        same: w.require('electron').ipcRenderer === w.ipcRenderer && w.electron.ipcRenderer === w.ipcRenderer,
        keptElectron: w.electron.contextBridgeShape,
        other: w.require('fs'),
        api: Object.keys(w.ipcAnywhere).sort(),
      };
    });
    expect(result).toEqual({
      same: true,
      keptElectron: true,
      other: 'previous require: fs',
      api: [
        'IpcError',
        'IpcErrorCode',
        'connect',
        'connectionState',
        'createIpcRenderer',
        'ipcRenderer',
        'isIpcError',
        'onConnectionState',
        'onTraffic',
      ],
    });
    const { page: plain } = await open(server);
    expect(
      await plain.evaluate(() => {
        try {
          (window as any).require('fs');
          return 'no error';
        } catch (error) {
          return `${(error as Error).message} ${(error as { code?: string }).code}`;
        }
      }),
    ).toBe("Cannot find module 'fs' MODULE_NOT_FOUND");
  });

  it('reports the page URL and the verified origin to main', async () => {
    const { main, server } = await start();
    const seen = new Promise<any>((resolve) =>
      main.ipcMain.once('where', (event) => resolve(event.senderFrame)),
    );
    const { page, webContents } = await open(server);
    await page.evaluate(() => (window as any).ipcRenderer.send('where'));
    const frame = await seen;
    expect(webContents.getType()).toBe('window');
    expect(frame.url).toBe(page.url());
    expect(frame.origin).toBe(server.url);
  });

  it("emits 'destroyed' when the page goes away", async () => {
    const { server } = await start();
    const { page, webContents } = await openPage(suite.browser, server);
    const destroyed = new Promise((resolve) => webContents.once('destroyed', resolve));
    await page.close();
    await destroyed;
    expect(webContents.isDestroyed()).toBe(true);
  });
});

describe('limits and deadlines in a page', () => {
  it('an oversize payload throws ERR_IPC_PAYLOAD_TOO_LARGE in the page; the connection lives on', async () => {
    const { main, server, log } = await start({ maxPayload: 4096 });
    main.ipcMain.handle('echo', (_event, value) => value);
    main.ipcMain.on('sync-echo', (event, value) => {
      event.returnValue = value;
    });
    const { page } = await open(server);
    const result = await page.evaluate(async () => {
      const ipc = (window as any).ipcRenderer;
      await ipc.invoke('echo', 'ready');
      const big = 'x'.repeat(10_000);
      const codes: string[] = [];
      for (const call of [() => ipc.send('big', big), () => ipc.sendSync('sync-echo', big)]) {
        try {
          call();
          codes.push('no error');
        } catch (error) {
          codes.push((error as { code: string }).code);
        }
      }
      codes.push(await ipc.invoke('echo', big).catch((error: { code: string }) => error.code));
      return {
        codes,
        after: await ipc.invoke('echo', 'still here'),
        sync: ipc.sendSync('sync-echo', 'small'),
      };
    });
    expect(result).toEqual({
      codes: ['ERR_IPC_PAYLOAD_TOO_LARGE', 'ERR_IPC_PAYLOAD_TOO_LARGE', 'ERR_IPC_PAYLOAD_TOO_LARGE'],
      after: 'still here',
      sync: 'small',
    });
    expect(log.error).toEqual([]);
  });

  it('sendSync ends with ERR_IPC_TIMEOUT at its deadline when main never answers; the page goes on', async () => {
    const { main, server } = await start();
    main.ipcMain.on('never', () => {});
    main.ipcMain.handle('ping', () => 'pong');
    const { page } = await open(server);
    const result = await page.evaluate(async () => {
      const ipc = (window as any).ipcRenderer;
      const started = performance.now();
      let code = 'no error';
      try {
        ipc.withOptions({ timeout: 200 }).sendSync('never');
      } catch (error) {
        code = (error as { code: string }).code;
      }
      return { code, ms: performance.now() - started, after: await ipc.invoke('ping') };
    });
    expect(result.code).toBe('ERR_IPC_TIMEOUT');
    expect(result.ms).toBeGreaterThanOrEqual(190);
    expect(result.ms).toBeLessThan(5_000);
    expect(result.after).toBe('pong');
  });

  it('sendSync ends with ERR_IPC_CLOSED when main closes the page while it blocks', async () => {
    const { main, server } = await start();
    main.ipcMain.on('close-me', (event) => {
      setTimeout(() => event.sender.close(), 50);
    });
    const { page } = await open(server);
    const code = await page.evaluate(() => {
      try {
        (window as any).ipcRenderer.sendSync('close-me');
        return 'no error';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(code).toBe('ERR_IPC_CLOSED');
  });
});

describe('security in a page', () => {
  it('a page whose origin is not on the list is refused at the upgrade, and its calls fail with ERR_IPC_CLOSED', async () => {
    let port = 0;
    const { main, server, log } = await start({
      allowedOrigins: (origin) => origin === `http://127.0.0.1:${port}`,
    });
    port = Number(new URL(server.url).port);
    main.ipcMain.handle('ping', () => 'pong');
    main.ipcMain.on('sync', (event) => {
      event.returnValue = 'reached';
    });
    const page: Page = await suite.browser.newPage();
    cleanup.push(() => page.close());
    await page.goto(`http://localhost:${port}/page.html`);
    const result = await page.evaluate(async () => {
      const ipc = (window as any).ipcRenderer;
      const invoke = await ipc.invoke('ping').then(
        () => 'resolved',
        (error: { code: string }) => error.code,
      );
      let sync = 'no error';
      try {
        ipc.sendSync('sync');
      } catch (error) {
        sync = (error as { code: string }).code;
      }
      return { invoke, sync };
    });
    expect(result).toEqual({ invoke: 'ERR_IPC_CLOSED', sync: 'ERR_IPC_CLOSED' });
    expect(main.webContents.getAllWebContents()).toEqual([]);
    expect(logText(log.warn)).toContain(`refused a WebSocket from origin http://localhost:${port}`);
  });

  it('a hostile client sending garbage is closed while a page keeps working', async () => {
    const { main, server, log } = await start();
    main.ipcMain.handle('count', (_event, n) => n + 1);
    const { page } = await open(server);
    const hostile = await rawClient(server, { origin: server.url });
    await hostile.nextFrame();
    hostile.socket.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    expect((await hostile.closed).code).toBe(1008);
    expect(log.error.length).toBe(1);
    expect(await page.evaluate(() => (window as any).ipcRenderer.invoke('count', 41))).toBe(42);
  });
});
