import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcServer, WebContents } from '../../../src/main.js';
import { type Inspected, startInspected } from '../../api/inspector/inspected-server.js';
import { FIXTURES, launchChromium, testBundle } from './browser.js';
import { startChaosProxy } from './chaos-proxy.js';

let browser: Browser;
let inspected: Inspected;

beforeAll(async () => {
  browser = await launchChromium();
  inspected = await startInspected({ static: FIXTURES, clientScript: await testBundle() });
});

afterAll(async () => {
  await inspected?.close();
  await browser?.close();
});

/** Opens a renderer page and resolves with it once main has its WebContents. */
async function openRenderer(server: IpcServer, url: string): Promise<{ page: Page; contents: WebContents }> {
  const created = new Promise<WebContents>((resolve) => {
    const onCreated = (contents: WebContents) => {
      if (contents.getURL() !== url) return;
      server.off('web-contents-created', onCreated);
      resolve(contents);
    };
    server.on('web-contents-created', onCreated);
  });
  const page = await browser.newPage();
  await page.goto(url);
  return { page, contents: await created };
}

/** Opens the inspector; fails the test on any page error or CSP violation in it. */
async function openInspector(url: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${url}/ipc-anywhere/inspect`);
  await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toBe('live');
  return { page, problems };
}

/** The text of each row of a table of the inspector. */
function rows(page: Page, table: string): Promise<string[][]> {
  return page.$$eval(`#${table} tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? '')),
  );
}

describe('the inspector page in Chromium', () => {
  it('lists a renderer and shows its round trip with the latency', async () => {
    const { main, server, url } = inspected;
    main.ipcMain.handle('round-trip', async (_event, value: string) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return { echo: value, at: 'main' };
    });
    main.ipcMain.on('hello', () => {});
    const { page: viewer, problems } = await openInspector(url);
    const pageUrl = `${url}/page.html?inspected=1`;
    const { page, contents } = await openRenderer(server, pageUrl);
    // Listed, with its URL, origin and link state.
    await expect
      .poll(async () => (await rows(viewer, 'renderers')).find((row) => row[0] === String(contents.id)), {
        timeout: 10_000,
      })
      .toEqual([
        String(contents.id),
        'window',
        pageUrl,
        url,
        expect.stringContaining('ago'),
        'connected',
        expect.any(String),
        expect.any(String),
      ]);
    const answer = await page.evaluate(async () => {
      const ipc = (window as any).ipcRenderer;
      ipc.send('hello', { from: 'page' });
      return ipc.invoke('round-trip', 'ping');
    });
    expect(answer).toEqual({ echo: 'ping', at: 'main' });
    // The reply is on the timeline with its latency (arrival to reply, at least the handler's 40 ms).
    await expect
      .poll(async () => (await rows(viewer, 'timeline')).find((row) => row[4] === 'invokeReply'), {
        timeout: 10_000,
      })
      .toBeDefined();
    const timeline = await rows(viewer, 'timeline');
    const replyRow = timeline.find((row) => row[4] === 'invokeReply')!;
    expect(replyRow[2]).toBe(`#${contents.id}`);
    expect(replyRow[5]).toBe('round-trip');
    expect(Number(replyRow[7])).toBeGreaterThanOrEqual(40);
    expect(replyRow[8]).toBe('[{"echo": "ping", "at": "main"}]');
    const invokeRow = timeline.find((row) => row[4] === 'invoke')!;
    expect(invokeRow[8]).toBe('["ping"]');
    expect(timeline.find((row) => row[4] === 'send')![8]).toBe('[{"from": "page"}]');
    // The channel's counters and its latency histogram arrive with the next stats (once a second).
    await expect
      .poll(async () => (await rows(viewer, 'channels')).find((row) => row[0] === 'round-trip'), {
        timeout: 5_000,
      })
      .toEqual([
        'round-trip',
        '1',
        '1',
        expect.stringMatching(/ B$/),
        expect.any(String),
        expect.any(String),
        '0',
        expect.stringMatching(/^p50 ≤ \d+ ms · p99 ≤ \d+ ms · max \d/),
        '',
      ]);
    expect(await viewer.locator('#channels .hist span').count()).toBe(15);
    // Filtering the timeline by channel.
    await viewer.fill('#filter', 'hello');
    expect((await rows(viewer, 'timeline')).map((row) => row[5])).toEqual(['hello']);
    if (process.env.INSPECTOR_SCREENSHOT) await screenshot(viewer, page, contents);
    await page.close();
    await expect
      .poll(
        async () => (await rows(viewer, 'renderers')).find((row) => row[0] === String(contents.id))?.[5],
        { timeout: 5_000 },
      )
      .toBe('destroyed');
    expect(problems).toEqual([]);
    await viewer.close();
  });

  it('shows what renderers send as text, never as markup', async () => {
    const { server, url } = inspected;
    const { page: viewer, problems } = await openInspector(url);
    const { page, contents } = await openRenderer(server, `${url}/page.html?hostile=1`);
    const channel = '<img src=x id=injected onerror="window.hacked=1">';
    await page.evaluate((name) => {
      (window as any).ipcRenderer.send(name, '<script>window.hacked=2</script>', { '<b>key</b>': 1 });
    }, channel);
    await expect
      .poll(async () => (await rows(viewer, 'timeline')).find((row) => row[5] === channel), {
        timeout: 10_000,
      })
      .toEqual([
        expect.any(String),
        expect.any(String),
        `#${contents.id}`,
        '→ main',
        'send',
        channel,
        expect.any(String),
        '',
        '["<script>window.hacked=2</script>", {"<b>key</b>": 1}]',
      ]);
    expect(await viewer.locator('#injected, #timeline b, #timeline script').count()).toBe(0);
    expect(await viewer.evaluate(() => (window as any).hacked)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
    await viewer.close();
  });

  it('shows a renderer suspended while its connection is down, and connected once it resumes', async () => {
    const { server, url } = inspected;
    const proxy = await startChaosProxy(url);
    const { page: viewer } = await openInspector(url);
    const { page } = await openRenderer(server, `${url}/page.html?resuming=1`);
    try {
      const created = new Promise<WebContents>((resolve) => server.once('web-contents-created', resolve));
      await page.evaluate((target) => {
        (window as any).viaProxy = (window as any).ipcAnywhere.createIpcRenderer({
          url: target,
          reconnectDelay: 50,
        });
      }, proxy.url);
      const contents = await created;
      const link = async () =>
        (await rows(viewer, 'renderers')).find((row) => row[0] === String(contents.id))?.[5];
      await expect.poll(link, { timeout: 10_000 }).toBe('connected');
      proxy.refuse(true);
      proxy.cutAll();
      await expect.poll(link, { timeout: 10_000 }).toBe('suspended (may resume)');
      proxy.refuse(false);
      await expect.poll(link, { timeout: 10_000 }).toBe('connected');
    } finally {
      await page.close();
      await viewer.close();
      await proxy.close();
    }
  });

  it('refuses an inspector stream opened by a page of another origin', async () => {
    const other = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      // localhost and 127.0.0.1 are different origins; the other server's port makes it foreign anyway.
      await page.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(
        (target) =>
          new Promise<string>((resolve) => {
            const source = new EventSource(target);
            source.addEventListener('hello', () => {
              source.close();
              resolve('streamed');
            });
            source.onerror = () => {
              source.close();
              resolve('refused');
            };
          }),
        `${inspected.url}/ipc-anywhere/inspect/events`,
      );
      expect(outcome).toBe('refused');
      const warnings = inspected.log.warn.map((args) => args.message);
      expect(
        warnings.some((text) => text.includes('refused an inspector request from origin http://localhost:')),
      ).toBe(true);
    } finally {
      await page.close();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});

/** docs/inspector.png: the inspector with some traffic from a few more renderers (INSPECTOR_SCREENSHOT=path). */
async function screenshot(viewer: Page, page: Page, contents: WebContents): Promise<void> {
  const { main, server, url } = inspected;
  main.ipcMain.handle('user:load', async (_event, id: number) => {
    await new Promise((resolve) => setTimeout(resolve, 2 + (id % 7) * 3));
    return { id, name: `user ${id}`, roles: ['reader'] };
  });
  main.ipcMain.on('settings:get', (event, key: string) => {
    event.returnValue = { key, value: key === 'theme' ? 'dark' : 42 };
  });
  main.ipcMain.on('telemetry', () => {});
  const second = await openRenderer(server, `${url}/page.html?window=settings`);
  await viewer.fill('#filter', '');
  for (const target of [page, second.page]) {
    await target.evaluate(async () => {
      const ipc = (window as any).ipcRenderer;
      for (let i = 0; i < 12; i++) {
        await ipc.invoke('user:load', i);
        ipc.send('telemetry', { event: 'click', x: i * 10, y: 200 });
        ipc.sendSync('settings:get', i % 2 ? 'theme' : 'fontSize');
      }
      await ipc.invoke('user:save', { id: 1 }).catch(() => {});
    });
  }
  contents.send('status', { online: true, users: 12 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await viewer.screenshot({ path: process.env.INSPECTOR_SCREENSHOT!, fullPage: false });
  await second.page.close();
}
