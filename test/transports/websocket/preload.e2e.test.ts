import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { IpcMain, IpcServer, Main, WebContents } from '../../../src/main.js';
import { chromiumSuite, FIXTURES } from './browser.js';

/*
 * Preloads in the shapes Electron apps have, run by createServer({ preload }) in real Chromium: each
 * drives a round trip, a main -> page push and a sendSync. Run `npm run build` first: the bundled
 * preloads import `ipc-anywhere/renderer`, which resolves to dist/.
 */

const CLASSIC = join(FIXTURES, 'preload-classic');
const TOOLKIT = join(FIXTURES, 'preload-toolkit');
const ALIAS = { electron: 'ipc-anywhere/renderer' };

const chromium = chromiumSuite();
const { cleanup } = chromium;
const start: typeof chromium.start = (options) => chromium.start(options);

let pageCount = 0;

/** Opens `path` and resolves once main has its WebContents; `errors` collects the page's console errors. */
async function openPage(
  server: IpcServer,
  path: string,
): Promise<{ page: Page; webContents: WebContents; errors: string[] }> {
  pageCount += 1;
  const url = `${server.url}${path}?preload-page=${pageCount}`;
  const created = new Promise<WebContents>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url} did not connect within 10 s`)), 10_000);
    const onCreated = (contents: WebContents) => {
      if (contents.getURL() !== url) return;
      clearTimeout(timer);
      server.off('web-contents-created', onCreated);
      resolve(contents);
    };
    server.on('web-contents-created', onCreated);
  });
  const page = await chromium.browser.newPage();
  cleanup.push(() => page.close());
  const errors: string[] = [];
  page.on('console', (message) => {
    // Chromium asks every page for /favicon.ico; the fixtures have none.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
      errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, webContents: await created, errors };
}

/** The arguments of the next message on `channel`, with the id of the WebContents that sent it. */
function next(ipcMain: IpcMain, channel: string): Promise<{ senderId: number; args: unknown[] }> {
  return new Promise((resolve) =>
    ipcMain.once(channel, (event, ...args) => resolve({ senderId: event.sender.id, args })),
  );
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-preload-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type Bundler = 'esbuild' | 'vite' | 'esbuild, electron external';

/** preload-toolkit/preload.mjs bundled into one classic script, as an app's build would. */
async function bundlePreload(bundler: Bundler): Promise<string> {
  const outDir = tempDir();
  const entry = join(TOOLKIT, 'preload.mjs');
  const outfile = join(outDir, 'preload.js');
  if (bundler === 'vite') {
    const vite = await import('vite');
    await vite.build({
      configFile: false,
      logLevel: 'warn',
      root: TOOLKIT,
      resolve: { alias: ALIAS },
      build: {
        outDir,
        emptyOutDir: true,
        lib: { entry, formats: ['iife'], name: 'preload', fileName: () => 'preload.js' },
      },
    });
  } else {
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      outfile,
      logLevel: 'warning',
      // electron-vite's way: leave `electron` to the preload's require (a CommonJS bundle).
      ...(bundler === 'esbuild'
        ? { format: 'iife', alias: ALIAS }
        : { format: 'cjs', external: ['electron'] }),
    });
  }
  return outfile;
}

/** Handlers the toolkit page talks to. */
function serveToolkitPage(main: Main) {
  main.ipcMain.on('settings', (event) => {
    event.returnValue = { theme: 'light' };
  });
  main.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
}

/** Sends `tick n` and then `flush`: once `flushed` arrives, the page has handled the tick. */
async function pushTick(main: Main, webContents: WebContents, n: number): Promise<number[]> {
  const seen: number[] = [];
  const onSeen = (_event: unknown, value: number) => seen.push(value);
  main.ipcMain.on('tick-seen', onSeen);
  const flushed = next(main.ipcMain, 'flushed');
  webContents.send('tick', n);
  webContents.send('flush');
  await flushed;
  main.ipcMain.off('tick-seen', onSeen);
  return seen;
}

describe('preloads in Chromium', () => {
  it('a classic CommonJS preload with contextBridge, under a strict CSP: sendSync, round trip, push', async () => {
    const { main, server } = await start({ static: CLASSIC, preload: join(CLASSIC, 'preload.js') });
    main.ipcMain.on('read-setting', (event, name) => {
      event.returnValue = name === 'theme' ? 'dark' : null;
    });
    main.ipcMain.handle('lookup', (_event, query: { id: number }) => ({ found: query.id * 2 }));
    main.ipcMain.handle('fails', () => {
      throw new Error('nope');
    });
    const title = next(main.ipcMain, 'set-title');
    const { page, webContents, errors } = await openPage(server, '/index.html');

    // sendSync at startup, then send: both from the page's script, through the preload's bridge.
    expect(await title).toEqual({ senderId: webContents.id, args: ['theme: dark, chrome known'] });
    // Round trip.
    await expect.poll(() => page.evaluate(() => (window as any).lookupAnswer)).toEqual({ found: 14 });
    // main -> page push, through a listener the page gave the preload.
    const seen = next(main.ipcMain, 'counter-seen');
    webContents.send('counter', 5);
    expect((await seen).args).toEqual([5]);
    expect(await page.textContent('#status')).toBe('counter 5');

    const facts = await page.evaluate(async () => {
      const w = window as any;
      const descriptor = Object.getOwnPropertyDescriptor(window, 'bridge')!;
      const failure = await w.bridge
        .fail()
        .catch((error: Error) => [error.constructor === Error, error.message]);
      let requireError = '';
      try {
        w.bridge.requireHelper();
      } catch (error) {
        requireError = (error as Error).message;
      }
      return {
        frozen: Object.isFrozen(w.bridge) && Object.isFrozen(w.versions),
        descriptor: [descriptor.writable, descriptor.configurable, descriptor.enumerable],
        versions: { ...w.versions, chrome: typeof w.versions.chrome() },
        bindError: w.bindError,
        failure,
        requireError,
        pageHasNoProcess: typeof (window as any).process,
        builtinElectron: typeof w.electron.ipcRenderer.on,
      };
    });
    expect(facts).toEqual({
      frozen: true,
      descriptor: [false, false, true],
      versions: { chrome: 'string', platform: 'linux', isolated: true, sandboxed: true, type: 'renderer' },
      bindError: 'Cannot bind an API on top of an existing property on the window object',
      failure: [true, "Error invoking remote method 'fails': Error: nope"],
      requireError: 'module not found: ./helper.js',
      pageHasNoProcess: 'undefined',
      builtinElectron: 'function',
    });
    expect(main.webContents.getAllWebContents().map((contents) => contents.id)).toEqual([webContents.id]);
    expect(errors).toEqual([]);
  });

  const bundlers: Bundler[] = ['esbuild', 'vite', 'esbuild, electron external'];
  it.each(bundlers)(
    'an ESM preload in the @electron-toolkit shape, bundled by %s, and a React-style effect',
    async (bundler) => {
      const preload = await bundlePreload(bundler);
      const { main, server } = await start({ static: TOOLKIT, preload });
      serveToolkitPage(main);
      const ready = next(main.ipcMain, 'ready');
      const sum = next(main.ipcMain, 'sum');
      const apiSum = next(main.ipcMain, 'api-sum');
      const { page, webContents, errors } = await openPage(server, '/index.html');
      expect((await ready).senderId).toBe(webContents.id);
      // Round trips, through window.electron and through the app's own bridged API.
      expect(await sum).toEqual({ senderId: webContents.id, args: [5] });
      expect(await apiSum).toEqual({ senderId: webContents.id, args: [9] });
      // StrictMode mounted, cleaned up and mounted again: one listener, one delivery.
      expect(await pushTick(main, webContents, 1)).toEqual([1]);
      expect(await page.evaluate(() => (window as any).api.listenerCount('tick'))).toBe(1);
      await page.evaluate(() => (window as any).unmount());
      expect(await page.evaluate(() => (window as any).api.listenerCount('tick'))).toBe(0);
      expect(await pushTick(main, webContents, 2)).toEqual([]);
      expect(await page.textContent('#status')).toBe('tick 1');

      const facts = await page.evaluate(() => {
        const w = window as any;
        const descriptor = Object.getOwnPropertyDescriptor(window, 'electron')!;
        return {
          settings: w.settings,
          chrome: /^[0-9]+\./.test(w.versions.chrome),
          bridged: [Object.isFrozen(w.electron.ipcRenderer), descriptor.writable, descriptor.configurable],
          samePageRenderer: w.api.senderIsPageRenderer(),
          color: getComputedStyle(document.getElementById('status')!).color,
        };
      });
      expect(facts).toEqual({
        settings: { theme: 'light' },
        chrome: true,
        // The preload's object replaced ipc-anywhere's own window.electron, frozen on a read-only key.
        bridged: [true, false, false],
        // The bundle's `ipc-anywhere/renderer` took the page's renderer: one connection, one WebContents.
        samePageRenderer: true,
        color: 'rgb(1, 2, 3)',
      });
      expect(main.webContents.getAllWebContents().map((contents) => contents.id)).toEqual([webContents.id]);
      expect(errors).toEqual([]);
    },
  );

  it("the React-style page on ipc-anywhere's own window.electron (no preload)", async () => {
    const { main, server } = await start({ static: TOOLKIT });
    serveToolkitPage(main);
    const ready = next(main.ipcMain, 'ready');
    const sum = next(main.ipcMain, 'sum');
    const { page, webContents, errors } = await openPage(server, '/builtin.html');
    await ready;
    expect(await sum).toEqual({ senderId: webContents.id, args: [5] });
    expect(await pushTick(main, webContents, 1)).toEqual([1]);
    await page.evaluate(() => (window as any).unmount());
    expect(await pushTick(main, webContents, 2)).toEqual([]);
    const facts = await page.evaluate(() => {
      const w = window as any;
      return {
        settings: w.settings,
        listeners: w.ipcRenderer.listenerCount('tick'),
        shape: Object.keys(w.electron).sort(),
        process: Object.keys(w.electron.process).sort(),
        color: getComputedStyle(document.getElementById('status')!).color,
        require: Object.keys(w.require('electron')).sort(),
      };
    });
    expect(facts).toEqual({
      settings: { theme: 'light' },
      listeners: 0,
      shape: ['ipcRenderer', 'process', 'webFrame', 'webUtils'],
      process: ['env', 'platform', 'versions'],
      color: 'rgb(1, 2, 3)',
      require: ['contextBridge', 'ipcRenderer', 'webFrame', 'webUtils'],
    });
    expect(errors).toEqual([]);
  });

  it('a page that loads renderer.js itself under a preload keeps one connection', async () => {
    const { main, server } = await start({ static: TOOLKIT, preload: await bundlePreload('esbuild') });
    serveToolkitPage(main);
    const sum = next(main.ipcMain, 'api-sum');
    const { webContents, errors } = await openPage(server, '/builtin.html');
    expect(await sum).toEqual({ senderId: webContents.id, args: [9] });
    expect(await pushTick(main, webContents, 1)).toEqual([1]);
    expect(main.webContents.getAllWebContents().map((contents) => contents.id)).toEqual([webContents.id]);
    expect(errors).toEqual([]);
  });
});
