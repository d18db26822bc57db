import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMain, createServer } from '../../../src/main.js';
import {
  type ConnectionEvent,
  createIpcRenderer,
  disconnect,
  onConnectionState,
} from '../../../src/renderer.node.js';
import { startChaosProxy } from './chaos-proxy.js';

/*
 * A renderer that sends large messages faster than main takes them (a loop of 1 MiB sends in one
 * task) keeps them queued in order and keeps its session. Its replay buffer holds what main has not
 * acknowledged, up to a limit (here 32 MiB): chunks wait for acknowledgements before that, however
 * much the kernel would buffer (here up to 32 MiB on the receiving side alone), and while the
 * connection is down.
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const MiB = 1024 * 1024;

/** Main counting 'bin' messages that arrive whole and in order. */
async function countingMain() {
  const main = createMain({ logLevel: 'silent', limits: { maxPayload: 4 * MiB } });
  let inOrder = 0;
  main.ipcMain.on('bin', (_event, index: number, bytes: Uint8Array) => {
    if (index === inOrder && bytes.byteLength === MiB) inOrder++;
  });
  main.ipcMain.handle('count', () => inOrder);
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  return server;
}

describe('a burst of large sends from a Node renderer', () => {
  it('arrives whole and in order, on the same session', async () => {
    const server = await countingMain();
    const ipc = createIpcRenderer({ url: server.url });
    cleanup.push(() => disconnect(ipc));
    const states: ConnectionEvent['state'][] = [];
    cleanup.push(onConnectionState((event) => states.push(event.state), ipc));
    await ipc.invoke('count');
    // 48 MiB in one task: past the replay limit (32 MiB) if it all went to the socket at once.
    const payload = new Uint8Array(MiB);
    for (let i = 0; i < 48; i++) ipc.send('bin', i, payload);
    expect(await ipc.invoke('count')).toBe(48);
    expect(states).toEqual(['connected']);
  }, 30_000);

  it('sent while the connection is down, waits for it instead of overflowing the replay buffer', async () => {
    const server = await countingMain();
    const proxy = await startChaosProxy(server.url);
    cleanup.push(() => proxy.close());
    const ipc = createIpcRenderer({ url: proxy.url, reconnectDelay: 20, maxReconnectDelay: 50 });
    cleanup.push(() => disconnect(ipc));
    const states: ConnectionEvent['state'][] = [];
    cleanup.push(onConnectionState((event) => states.push(event.state), ipc));
    await ipc.invoke('count');
    proxy.refuse(true);
    proxy.cutAll();
    await vi.waitFor(() => expect(states).toContain('reconnecting'));
    // 48 MiB while nothing can be acknowledged: the replay buffer (32 MiB) cannot hold it all.
    const payload = new Uint8Array(MiB);
    for (let i = 0; i < 48; i++) ipc.send('bin', i, payload);
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.refuse(false);
    expect(await ipc.invoke('count')).toBe(48);
    expect(states).toEqual(['connected', 'reconnecting', 'resumed']);
  }, 30_000);
});

/*
 * A small message queued in the same task just before a large one goes in a frame of its own ahead of
 * the chunks. That frame was recorded for replay as holding everything numbered so far, the whole
 * chunk stream included, so no acknowledgement could release it (the replay buffer lets frames go in
 * order) nor the chunks behind it: past the unacknowledged window (8 MiB) the stream waited for
 * acknowledgements that could not help, forever.
 */
describe('a small message, then a large one in the same task', () => {
  const LARGE = 24 * MiB;

  it('both arrive, renderer to main', async () => {
    const main = createMain({ logLevel: 'silent', limits: { maxPayload: 32 * MiB } });
    const seen: string[] = [];
    main.ipcMain.on('meta', (_event, name: string) => seen.push(name));
    main.ipcMain.on('file', (_event, bytes: Uint8Array) => seen.push(`file ${bytes.byteLength}`));
    main.ipcMain.handle('seen', () => seen);
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    const ipc = createIpcRenderer({ url: server.url, limits: { maxPayload: 32 * MiB } });
    cleanup.push(() => disconnect(ipc));
    await ipc.invoke('seen');
    ipc.send('meta', 'a.bin');
    ipc.send('file', new Uint8Array(LARGE));
    expect(await ipc.invoke('seen')).toEqual(['a.bin', `file ${LARGE}`]);
  }, 20_000);

  it('both arrive, main to renderer', async () => {
    const main = createMain({ logLevel: 'silent', limits: { maxPayload: 32 * MiB } });
    main.ipcMain.on('want', (event) => {
      event.sender.send('meta', 'a.bin');
      event.sender.send('file', new Uint8Array(LARGE));
    });
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    const ipc = createIpcRenderer({ url: server.url, limits: { maxPayload: 32 * MiB } });
    cleanup.push(() => disconnect(ipc));
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      ipc.on('meta', (_event, name: string) => seen.push(name));
      ipc.on('file', (_event, bytes: Uint8Array) => {
        seen.push(`file ${bytes.byteLength}`);
        resolve();
      });
    });
    ipc.send('want');
    await done;
    expect(seen).toEqual(['a.bin', `file ${LARGE}`]);
  }, 20_000);
});
