import { describe, expect, it } from 'vitest';
import { chromiumSuite } from './browser.js';
import { startChaosProxy } from './chaos-proxy.js';

const suite = chromiumSuite();
const { cleanup, start } = suite;
const open = suite.open.bind(suite);

/** A page renderer through a chaos proxy that waits `delay` ms before each reconnection. */
async function pageBehindProxy(delay: number) {
  const { main, server } = await start();
  const proxy = await startChaosProxy(server.url);
  cleanup.push(() => proxy.close());
  const notes: number[] = [];
  const syncCalls: number[] = [];
  main.ipcMain.on('note', (_event, n: number) => notes.push(n));
  main.ipcMain.on('sync', (event, n: number) => {
    syncCalls.push(n);
    event.returnValue = [...notes];
  });
  main.ipcMain.handle('ready', () => true);
  const { page } = await open(server);
  await page.evaluate(
    async ({ url, delay }) => {
      const w = window as any;
      w.states = [];
      w.ipc = w.ipcAnywhere.createIpcRenderer({ url, reconnectDelay: delay, maxReconnectDelay: delay });
      w.ipcAnywhere.onConnectionState((event: { state: string }) => w.states.push(event.state), w.ipc);
      await w.ipc.invoke('ready');
    },
    { url: proxy.url, delay },
  );
  const state = () => page.evaluate(() => (window as any).ipcAnywhere.connectionState((window as any).ipc));
  return { main, page, proxy, notes, syncCalls, state };
}

describe('a page whose socket is down', () => {
  it('sendSync does not wait for the reconnection: it carries what main lacks, and nothing runs twice', async () => {
    const { page, proxy, notes, syncCalls, state } = await pageBehindProxy(1500);
    proxy.cutAll();
    await expect.poll(state).toBe('reconnecting');
    const during = await page.evaluate(() => {
      const w = window as any;
      w.ipc.send('note', 1);
      w.ipc.send('note', 2);
      const seen = w.ipc.sendSync('sync', 3);
      return { seen, state: w.ipcAnywhere.connectionState(w.ipc) };
    });
    // The sends made while disconnected reached main before the sync request, over the sync path.
    expect(during).toEqual({ seen: [1, 2], state: 'reconnecting' });
    await expect.poll(state, { timeout: 5000 }).toBe('connected');
    await page.evaluate(() => (window as any).ipc.send('note', 4));
    await expect.poll(() => notes).toEqual([1, 2, 4]);
    expect(syncCalls).toEqual([3]);
    expect(await page.evaluate(() => (window as any).states)).toEqual([
      'connected',
      'reconnecting',
      'resumed',
    ]);
  });

  it('sendSync calls while the socket reconnects do not break the resume that follows', async () => {
    const { page, proxy, syncCalls, state } = await pageBehindProxy(100);
    proxy.cutAll();
    await expect.poll(state).toBe('reconnecting');
    // Sync calls in every task while the new socket opens: main's resume notice may be on its way
    // while main answers them. The answers must not count as acknowledgements the notice then
    // contradicts (the renderer checks the notice against what it had acknowledged).
    const calls = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const w = window as any;
          let n = 0;
          const timer = setInterval(() => {
            for (let i = 0; i < 5; i++) w.ipc.sendSync('sync', 100 + n++);
            if (n >= 500) {
              clearInterval(timer);
              resolve(n);
            }
          }, 1);
        }),
    );
    await expect.poll(state, { timeout: 5000 }).toBe('connected');
    expect(syncCalls).toEqual(Array.from({ length: calls }, (_, i) => 100 + i));
    expect(await page.evaluate(() => (window as any).states)).toEqual([
      'connected',
      'reconnecting',
      'resumed',
    ]);
  });

  it('while main cannot be reached, sendSync retries until its deadline; the resume delivers it once', async () => {
    const { page, proxy, notes, syncCalls, state } = await pageBehindProxy(300);
    proxy.refuse(true);
    proxy.cutAll();
    await expect.poll(state).toBe('reconnecting');
    const outcome = await page.evaluate(() => {
      const w = window as any;
      w.ipc.send('note', 1);
      const started = performance.now();
      try {
        w.ipc.withOptions({ timeout: 600 }).sendSync('sync', 2);
        return { code: 'returned', ms: 0 };
      } catch (error) {
        return { code: (error as { code?: string }).code, ms: performance.now() - started };
      }
    });
    expect(outcome.code).toBe('ERR_IPC_TIMEOUT');
    expect(outcome.ms).toBeGreaterThanOrEqual(500);
    expect(outcome.ms).toBeLessThan(3000);
    proxy.refuse(false);
    await expect.poll(state, { timeout: 5000 }).toBe('connected');
    // The request whose caller gave up still reaches main once, in order, as after a sync timeout.
    await expect.poll(() => syncCalls).toEqual([2]);
    expect(notes).toEqual([1]);
  });
});
