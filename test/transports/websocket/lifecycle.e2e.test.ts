import { describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer, type WebContents } from '../../../src/main.js';
import { recordingLogger } from '../../conformance/harness.js';
import { LIFECYCLE_EVENTS } from '../../core/main/lifecycle-events.js';
import { chromiumSuite, FIXTURES, testBundle } from './browser.js';
import { startChaosProxy } from './chaos-proxy.js';

const suite = chromiumSuite();
const { cleanup, start } = suite;
const open = suite.open.bind(suite);

/** A server whose main gives dropped pages `resumeGracePeriod` ms to come back. */
async function startWithGrace(resumeGracePeriod: number) {
  const { logger } = recordingLogger();
  const main = createMain({ logger, resumeGracePeriod });
  const server = await createServer({ static: FIXTURES, clientScript: await testBundle(), main });
  cleanup.push(() => server.close());
  return { main, server };
}

interface Tracked {
  readonly contents: WebContents;
  /** Each event's name and its arguments after the event object, in order; IPC from the page too. */
  readonly events: unknown[][];
}

/** Records the lifecycle of every page `server` connects, from its creation on. */
function track(server: IpcServer): Tracked[] {
  const all: Tracked[] = [];
  server.on('web-contents-created', (contents) => {
    const events: unknown[][] = [];
    for (const name of LIFECYCLE_EVENTS) {
      contents.on(name, (event: { sender: WebContents }, ...args: unknown[]) => {
        events.push([name, ...args]);
        if (event.sender !== contents) events.push(['wrong sender', name]);
      });
    }
    contents.ipc.on('page-step', (_event, step: string) => events.push([`page: ${step}`]));
    contents.on('destroyed', () => events.push(['destroyed']));
    all.push({ contents, events });
  });
  return all;
}

function trackedOf(all: Tracked[], contents: WebContents): Tracked {
  const found = all.find((tracked) => tracked.contents === contents);
  if (!found) throw new Error(`WebContents #${contents.id} was not tracked`);
  return found;
}

const names = (events: unknown[][]) => events.map(([name]) => name);

const LOAD_ORDER = [
  'did-start-loading',
  'did-navigate',
  'page-title-updated',
  'page: DOMContentLoaded',
  'dom-ready',
  'page: load',
  'did-finish-load',
  'did-stop-loading',
];

describe('WebContents lifecycle of a Chromium page', () => {
  it('a load emits Electron’s events in order, after the page’s own listeners', async () => {
    const { server } = await start();
    const all = track(server);
    const { webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    expect(events[1]).toEqual(['did-navigate', webContents.getURL(), 200, 'OK']);
    expect(events[2]).toEqual(['page-title-updated', 'lifecycle page', true]);
    expect(webContents.getTitle()).toBe('lifecycle page');
    expect(webContents.isLoading()).toBe(false);
  });

  it('reload(): the old WebContents is destroyed without render-process-gone, the new page loads as a new one', async () => {
    const { server } = await start();
    const all = track(server);
    const { webContents } = await open(server, '/lifecycle/page.html');
    const first = trackedOf(all, webContents);
    await expect.poll(() => names(first.events)).toEqual(LOAD_ORDER);
    webContents.reload();
    await expect.poll(() => all.length).toBe(2);
    const second = all[1]!;
    await expect.poll(() => names(second.events)).toEqual(LOAD_ORDER);
    await expect.poll(() => names(first.events).slice(LOAD_ORDER.length)).toEqual(['destroyed']);
    expect(second.contents.getURL()).toBe(webContents.getURL());
    expect(second.contents.id).not.toBe(webContents.id);
  });

  it('in-page navigation: pushState, replaceState, a fragment and back each emit did-navigate-in-page', async () => {
    const { server } = await start();
    const all = track(server);
    const { page, webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    const base = new URL(webContents.getURL());
    await page.evaluate(() => history.pushState({}, '', '/lifecycle/settings'));
    await page.evaluate(() => history.replaceState({}, '', '/lifecycle/settings?tab=2'));
    await page.evaluate(() => {
      location.hash = 'section';
    });
    await expect.poll(() => events.length).toBe(LOAD_ORDER.length + 3);
    await page.evaluate(() => history.back());
    const expected = [
      `${base.origin}/lifecycle/settings`,
      `${base.origin}/lifecycle/settings?tab=2`,
      `${base.origin}/lifecycle/settings?tab=2#section`,
      `${base.origin}/lifecycle/settings?tab=2`,
    ];
    await expect
      .poll(() => events.slice(LOAD_ORDER.length))
      .toEqual(expected.map((url) => ['did-navigate-in-page', url, true, webContents.getProcessId(), 1]));
    expect(webContents.getURL()).toBe(expected.at(-1));
    expect(webContents.mainFrame.url).toBe(expected.at(-1));
  });

  it('a title change emits page-title-updated and moves getTitle()', async () => {
    const { server } = await start();
    const all = track(server);
    const { page, webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    await page.evaluate(() => {
      document.title = 'renamed';
    });
    await expect.poll(() => events.at(-1)).toEqual(['page-title-updated', 'renamed', true]);
    expect(webContents.getTitle()).toBe('renamed');
  });
});

describe('a page that goes away', () => {
  it('a closed tab: destroyed only (the browser says goodbye for it)', async () => {
    const { server } = await start();
    const all = track(server);
    const { page, webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    await page.close({ runBeforeUnload: false });
    await expect.poll(() => names(events).slice(LOAD_ORDER.length)).toEqual(['destroyed']);
  });

  it('a crashed renderer (CDP Page.crash): render-process-gone, then destroyed', async () => {
    // Chromium closes a crashed tab's socket with 1001 like a navigation's: the missing pagehide
    // goodbye is what tells main.
    const { server } = await start();
    const all = track(server);
    const { page, webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    const cdp = await page.context().newCDPSession(page);
    // The page dies before it can answer.
    void cdp.send('Page.crash').catch(() => {});
    await expect
      .poll(() => names(events).slice(LOAD_ORDER.length))
      .toEqual(['render-process-gone', 'destroyed']);
    expect(events[LOAD_ORDER.length]![1]).toMatchObject({ reason: 'abnormal-exit', exitCode: -1 });
    expect(webContents.isCrashed()).toBe(true);
  });

  it('a page whose link is gone: render-process-gone when the grace period passes without it', async () => {
    const { server } = await startWithGrace(300);
    const proxy = await startChaosProxy(server.url);
    cleanup.push(() => proxy.close());
    const { page } = await open(server, '/lifecycle/page.html');
    const created = new Promise<WebContents>((resolve) => server.once('web-contents-created', resolve));
    await page.evaluate((url) => {
      (window as any).viaProxy = (window as any).ipcAnywhere.createIpcRenderer({ url, reconnectDelay: 50 });
    }, proxy.url);
    const contents = await created;
    const events: string[] = [];
    contents.on('render-process-gone', () => events.push('render-process-gone'));
    contents.on('destroyed', () => events.push('destroyed'));
    await expect
      .poll(() => page.evaluate(() => (window as any).ipcAnywhere.connectionState((window as any).viaProxy)))
      .toBe('connected');
    proxy.refuse(true);
    proxy.cutAll();
    await expect.poll(() => events, { timeout: 5000 }).toEqual(['render-process-gone', 'destroyed']);
  });

  it('server.close(): destroyed only, for every page', async () => {
    const { server } = await start();
    const all = track(server);
    const { webContents } = await open(server, '/lifecycle/page.html');
    const { events } = trackedOf(all, webContents);
    await expect.poll(() => names(events)).toEqual(LOAD_ORDER);
    await server.close();
    expect(names(events).slice(LOAD_ORDER.length)).toEqual(['destroyed']);
  });
});

describe('WebContents methods on a Chromium page', () => {
  it('executeJavaScript resolves with the (awaited) value and rejects with the page’s error', async () => {
    const { server } = await start();
    const { webContents } = await open(server, '/lifecycle/page.html');
    expect(await webContents.executeJavaScript('document.title + " / " + (6 * 7)')).toBe(
      'lifecycle page / 42',
    );
    expect(
      await webContents.executeJavaScript('Promise.resolve({ list: [1, 2], when: new Date(0) })'),
    ).toEqual({
      list: [1, 2],
      when: new Date(0),
    });
    const thrown = await webContents.executeJavaScript('null.x').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain('null');
    await expect(webContents.executeJavaScript('}')).rejects.toBeInstanceOf(SyntaxError);
    await expect(webContents.executeJavaScript('Promise.reject(new RangeError("r"))')).rejects.toThrow('r');
    await expect(webContents.executeJavaScript('window')).rejects.toMatchObject({
      code: 'ERR_IPC_NOT_CLONEABLE',
    });
  });

  it('executeJavaScript under a CSP without unsafe-eval rejects with ERR_IPC_EVAL_BLOCKED; IPC still works', async () => {
    const { main, server } = await start();
    main.ipcMain.handle('ping', () => 'pong');
    const { page, webContents } = await open(server, '/lifecycle/csp.html');
    await expect(webContents.executeJavaScript('1 + 1')).rejects.toMatchObject({
      code: 'ERR_IPC_EVAL_BLOCKED',
    });
    expect(await page.evaluate(() => (window as any).ipcRenderer.invoke('ping'))).toBe('pong');
  });

  it('loadURL resolves with the WebContents of the page it loaded', async () => {
    const { server } = await start();
    const all = track(server);
    const { webContents } = await open(server, '/lifecycle/page.html');
    await expect.poll(() => names(trackedOf(all, webContents).events)).toEqual(LOAD_ORDER);
    const next = await webContents.loadURL('/lifecycle/page.html?next=1');
    expect(next).toBeDefined();
    expect(next!.getURL()).toBe(new URL('/lifecycle/page.html?next=1', webContents.getURL()).href);
    expect(names(trackedOf(all, next!).events)).toEqual(LOAD_ORDER);
    expect(webContents.isDestroyed()).toBe(true);
  });

  it("'console-message' is opt-in and carries Electron's fields", async () => {
    const { server } = await start();
    const { page, webContents } = await open(server, '/lifecycle/page.html');
    const seen: unknown[][] = [];
    webContents.on('console-message', (event: Record<string, unknown>, ...args: unknown[]) => {
      const { message, level, lineNumber, sourceId } = event;
      seen.push([{ message, level, lineNumber, sourceId }, ...args]);
    });
    // The page learns that main listens by a message: one round trip later it reports.
    await webContents.executeJavaScript('0');
    await page.addScriptTag({ content: '\n\nconsole.warn("low %s: %d", "disk", 5.5);\n' });
    await page.evaluate(() => setTimeout(() => Promise.reject(new Error('late')), 0));
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[0]![0]).toMatchObject({ message: 'low disk: 5', level: 'warning', lineNumber: 3 });
    expect(seen[0]!.slice(1, 3)).toEqual([2, 'low disk: 5']);
    expect(seen[1]![0]).toMatchObject({
      level: 'error',
      message: expect.stringContaining('Uncaught (in promise) Error: late'),
    });
    webContents.removeAllListeners('console-message');
    await webContents.executeJavaScript('console.log("not reported")');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(2);
  });
});
