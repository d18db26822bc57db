import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Forked, forkReady } from '../../hostile/forked.js';
import { chromiumSuite } from './browser.js';
import { startChaosProxy } from './chaos-proxy.js';

const suite = chromiumSuite();
const { cleanup, start } = suite;
const open = suite.open.bind(suite);

const MAIN_SCRIPT = fileURLToPath(new URL('./restart-main-child.mjs', import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A port nothing listens on now, for every incarnation of main in one test. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface ChildStats {
  readonly hanging: number;
  readonly webContents: readonly { id: number; url: string }[];
}

/** Main from dist/ in its own process, on `port`. */
async function startMain(port: number): Promise<Forked> {
  const child = await forkReady(MAIN_SCRIPT, [JSON.stringify({ port })]);
  cleanup.push(() => child.kill());
  expect(child.ready.url).toBe(`http://127.0.0.1:${port}`);
  return child;
}

interface PageEvent {
  readonly state: string;
  readonly webContentsId?: number;
  readonly at: number;
}

/** Opens the reconnecting page (short backoff, connection events recorded) and waits for its hello. */
async function openReconnectingPage(port: number): Promise<Page> {
  const page = await suite.browser.newPage();
  cleanup.push(() => page.close());
  await page.goto(`http://127.0.0.1:${port}/reconnecting-page.html?page=${process.pid}-${Date.now()}`);
  await until(
    () => page.evaluate(() => (window as any).ipcAnywhere.connectionState() === 'connected'),
    'the page to connect',
  );
  return page;
}

const pageEvents = (page: Page) => page.evaluate(() => (window as any).connectionEvents as PageEvent[]);

/** Starts an invoke that main takes and never answers; its outcome is kept in `window.stranded`. */
async function strandInvoke(page: Page, main: Forked): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.stranded = undefined;
    w.ipcRenderer.invoke('hang').then(
      () => (w.stranded = { outcome: 'resolved' }),
      (error: { code?: string; message: string }) =>
        (w.stranded = { outcome: 'rejected', code: error.code, message: error.message, at: Date.now() }),
    );
  });
  await until(async () => (await main.request<ChildStats>('stats')).hanging === 1, 'main to take the invoke');
}

const stranded = (page: Page) =>
  page.evaluate(
    () =>
      (window as any).stranded as
        | { outcome: string; code?: string; message?: string; at?: number }
        | undefined,
  );

describe('a page outlives its main process', () => {
  it('main is killed and started again on the same port: the page gets a new session, no reload', async () => {
    const port = await freePort();
    const first = await startMain(port);
    const page = await openReconnectingPage(port);
    const url = page.url();
    expect(await page.evaluate(() => (window as any).ipcRenderer.invoke('whoami'))).toBeGreaterThan(0);
    await strandInvoke(page, first);

    await first.kill();
    const killedAt = Date.now();
    expect(first.exit?.signal).toBe('SIGKILL');
    await until(
      () => page.evaluate(() => (window as any).ipcAnywhere.connectionState() === 'reconnecting'),
      'the page to notice',
    );
    // Main is gone and nothing listens: the call waits, as main might still come back with it.
    await sleep(300);
    expect(await stranded(page)).toBeUndefined();

    const second = await startMain(port);
    const restartedAt = Date.now();
    await until(async () => (await stranded(page)) !== undefined, 'the stranded invoke to settle');
    expect(await stranded(page)).toMatchObject({
      outcome: 'rejected',
      code: 'ERR_IPC_SESSION_LOST',
      message: expect.stringMatching(/no longer had it/),
    });
    await until(
      async () => (await pageEvents(page)).some((event) => event.state === 'new-session'),
      'the new session',
    );
    const events = await pageEvents(page);
    expect(events.map((event) => event.state)).toEqual(['connected', 'reconnecting', 'new-session']);
    const newSession = events[2]!;

    // Same page, same script, no reload: its next invoke reaches the new main.
    const id = await page.evaluate(() => (window as any).ipcRenderer.invoke('whoami'));
    expect(id).toBe(newSession.webContentsId);
    expect(page.url()).toBe(url);
    const { webContents } = await second.request<ChildStats>('stats');
    expect(webContents).toEqual([{ id, url }]);
    console.log(
      `restart: page back ${newSession.at - restartedAt} ms after main restarted ` +
        `(${newSession.at - killedAt} ms after the kill, 300 ms of it waiting on purpose)`,
    );
  });

  it('server.close() rejects the pending call at once; a new server gives the page a new session', async () => {
    const port = await freePort();
    const first = await startMain(port);
    const page = await openReconnectingPage(port);
    await strandInvoke(page, first);

    const { startedAt, closedAt } = await first.request<{ startedAt: number; closedAt: number }>('close');
    // Close code 1001: main ended the session, so nothing waits for it to come back.
    await until(async () => (await stranded(page)) !== undefined, 'the pending invoke to reject', 2000);
    const outcome = (await stranded(page))!;
    expect(outcome).toMatchObject({
      outcome: 'rejected',
      code: 'ERR_IPC_SESSION_LOST',
      message: expect.stringMatching(/shut down/),
    });
    expect(outcome.at! - startedAt).toBeLessThan(1000);
    expect((await pageEvents(page)).map((event) => event.state)).toEqual(['connected', 'reconnecting']);
    await first.kill();

    const second = await startMain(port);
    await until(
      async () => (await pageEvents(page)).some((event) => event.state === 'new-session'),
      'the new session',
    );
    const id = await page.evaluate(() => (window as any).ipcRenderer.invoke('whoami'));
    expect((await second.request<ChildStats>('stats')).webContents.map((contents) => contents.id)).toEqual([
      id,
    ]);
    console.log(
      `graceful close: pending invoke rejected ${outcome.at! - startedAt} ms after close() was called ` +
        `(close() took ${closedAt - startedAt} ms)`,
    );
  });
});

describe('a page resumes through a cut connection (one main)', () => {
  it('same WebContents, resumed on both sides, and what was sent during the cut arrives once, in order', async () => {
    const { main, server } = await start();
    main.ipcMain.handle('whoami', (event) => event.sender.id);
    const fromPage: number[] = [];
    main.ipcMain.on('up', (_event, i: number) => fromPage.push(i));
    const proxy = await startChaosProxy(server.url);
    cleanup.push(() => proxy.close());
    const { page } = await open(server);
    const createdBefore = main.webContents.getAllWebContents().length;

    const id: number = await page.evaluate(async (url) => {
      const w = window as any;
      w.viaProxy = w.ipcAnywhere.createIpcRenderer({ url, reconnectDelay: 5, maxReconnectDelay: 50 });
      w.proxyEvents = [];
      w.fromMain = [];
      w.ipcAnywhere.onConnectionState((event: { state: string }) => w.proxyEvents.push(event), w.viaProxy);
      w.viaProxy.on('down', (_event: unknown, i: number) => w.fromMain.push(i));
      return w.viaProxy.invoke('whoami');
    }, proxy.url);
    const contents = main.webContents.fromId(id)!;
    expect(contents).toBeDefined();
    const mainEvents: { name: string; detail: unknown }[] = [];
    for (const name of ['connection-lost', 'connection-resumed', 'destroyed'] as const) {
      contents.on(name, (detail: unknown) => mainEvents.push({ name, detail }));
    }

    const BATCH = 100;
    const sendBoth = async (from: number) => {
      for (let i = from; i < from + BATCH; i++) contents.send('down', i);
      await page.evaluate(
        ([from, count]) => {
          for (let i = from!; i < from! + count!; i++) (window as any).viaProxy.send('up', i);
        },
        [from, BATCH],
      );
    };
    await sendBoth(0);

    proxy.refuse(true); // reconnects fail until the proxy lets them through again
    expect(proxy.cutAll()).toBe(1);
    const cutAt = Date.now();
    await until(() => mainEvents.some((event) => event.name === 'connection-lost'), "main's connection-lost");
    await until(
      async () =>
        (await page.evaluate(() => (window as any).ipcAnywhere.connectionState((window as any).viaProxy))) ===
        'reconnecting',
      'the page to notice the cut',
    );
    await sendBoth(BATCH); // both ends queue these for the resume
    await sleep(100);
    proxy.refuse(false);
    await until(
      () => mainEvents.some((event) => event.name === 'connection-resumed'),
      "main's connection-resumed",
    );
    const resumedAt = Date.now();
    await sendBoth(2 * BATCH);

    const all = Array.from({ length: 3 * BATCH }, (_, i) => i);
    await until(() => fromPage.length >= all.length, 'every message from the page');
    await until(
      async () => (await page.evaluate(() => (window as any).fromMain.length)) >= all.length,
      'every message from main',
    );
    await sleep(50); // room for a duplicate to show up
    expect(fromPage).toEqual(all);
    expect(await page.evaluate(() => (window as any).fromMain)).toEqual(all);

    const proxyEvents = await page.evaluate(() => (window as any).proxyEvents);
    expect(proxyEvents.map((event: { state: string }) => event.state)).toEqual([
      'connected',
      'reconnecting',
      'resumed',
    ]);
    expect(proxyEvents[2].webContentsId).toBe(id);
    expect(await page.evaluate(() => (window as any).viaProxy.invoke('whoami'))).toBe(id);
    expect(mainEvents.map((event) => event.name)).toEqual(['connection-lost', 'connection-resumed']);
    expect(mainEvents[1]!.detail).toMatchObject({ replayedFrames: expect.any(Number) });
    expect((mainEvents[1]!.detail as { replayedFrames: number }).replayedFrames).toBeGreaterThan(0);
    expect(main.webContents.getAllWebContents()).toHaveLength(createdBefore + 1);
    console.log(
      `resume: cut for ${resumedAt - cutAt} ms (100 of it refused on purpose); ` +
        `${JSON.stringify(mainEvents[1]!.detail)}`,
    );
  });
});
