import { once } from 'node:events';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { createMain, createServer } from '../../../src/main.js';
import type { IpcError } from '../../../src/protocol/errors.js';
import type { IpcRenderer } from '../../../src/renderer.js';
import { connect, createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { SUBPROTOCOL } from '../../../src/transports/websocket/wire.js';
import { recordingLogger } from '../../conformance/harness.js';
import { startSilentProxy } from './silent-proxy.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Real main behind a createServer, with a proxy in front of it. */
async function mainBehindProxy() {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger });
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  const proxy = await startSilentProxy(server.url);
  cleanup.push(() => proxy.close());
  return { main, server, proxy, log };
}

function track(renderer: IpcRenderer): IpcRenderer {
  cleanup.push(() => disconnect(renderer));
  return renderer;
}

function connected(renderer: IpcRenderer): Promise<number> {
  return new Promise((resolve, reject) => {
    lifecycleOf(renderer).once('connected', resolve);
    lifecycleOf(renderer).once('closed', reject);
  });
}

function closedWith(renderer: IpcRenderer): { readonly error: IpcError | undefined } {
  const seen: { error: IpcError | undefined } = { error: undefined };
  lifecycleOf(renderer).once('closed', (error) => {
    seen.error = error;
  });
  return seen;
}

/**
 * A server that only answers pings, as main does (docs/protocol.md, "Keepalive"), behind a proxy.
 * Nothing else ever arrives, so every frame the client sees is a ping's answer.
 */
async function pongServerBehindProxy() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => SUBPROTOCOL });
  cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
  await once(wss, 'listening');
  const counts = { pings: 0 };
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary && data.length === 0) {
        counts.pings += 1;
        socket.send(Buffer.alloc(0));
      }
    });
  });
  const proxy = await startSilentProxy(`http://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  cleanup.push(() => proxy.close());
  return { proxy, counts };
}

/** Blocks the event loop, as a long synchronous task in the app would. */
function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a rejected promise rejected with, and after how many ms. */
async function rejection(promise: Promise<unknown>): Promise<{ error: any; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('WebSocket client keepalive (Node)', () => {
  it('a silent link: the pending invoke rejects with ERR_IPC_CLOSED within 2 x interval + timeout', async () => {
    const { main, proxy } = await mainBehindProxy();
    main.ipcMain.handle('never', () => new Promise(() => {}));
    const interval = 200;
    const timeout = 400;
    const renderer = track(
      // Without reconnecting: this is about noticing the dead link (resume.test.ts covers what follows).
      createIpcRenderer({
        url: proxy.url,
        keepaliveInterval: interval,
        keepaliveTimeout: timeout,
        reconnect: false,
      }),
    );
    await connected(renderer);
    proxy.silence();
    const { error, ms } = await rejection(renderer.invoke('never'));
    expect(error.code).toBe('ERR_IPC_CLOSED');
    expect(error.message).toMatch(/no answer from main within 400 ms of a keepalive ping \(the link is dead/);
    // A ping goes out after one to two silent intervals, then gets `timeout` to be answered. The margin
    // is for a loaded machine; the lower bound shows the client did wait for the answer.
    expect(ms).toBeGreaterThanOrEqual(timeout - 5);
    expect(ms).toBeLessThan(2 * interval + timeout + 1500);
  });

  it('send keeps queueing until the link is found dead, then throws ERR_IPC_CLOSED, as invoke rejects', async () => {
    const { main, proxy } = await mainBehindProxy();
    const received: unknown[] = [];
    main.ipcMain.on('note', (_event, n) => received.push(n));
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: 100, keepaliveTimeout: 200, reconnect: false }),
    );
    const closed = closedWith(renderer);
    await connected(renderer);
    renderer.send('note', 1);
    await expect.poll(() => received).toEqual([1]);
    proxy.silence();
    renderer.send('note', 2); // the link looks fine to the client yet
    await expect.poll(() => closed.error?.code, { timeout: 5000 }).toBe('ERR_IPC_CLOSED');
    expect(() => renderer.send('note', 3)).toThrow(expect.objectContaining({ code: 'ERR_IPC_CLOSED' }));
    await expect(renderer.invoke('anything')).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    expect(received).toEqual([1]);
  });

  it('a link silent from the start (the handshake is never answered) closes after interval + timeout', async () => {
    const { proxy } = await mainBehindProxy();
    proxy.silence();
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: 150, keepaliveTimeout: 250 }),
    );
    const { error, ms } = await rejection(renderer.invoke('anything'));
    expect(error.code).toBe('ERR_IPC_CLOSED');
    expect(error.message).toMatch(/nothing arrived from main within 400 ms of connecting/);
    expect(ms).toBeGreaterThanOrEqual(400 - 5);
    expect(ms).toBeLessThan(400 + 1500);
    expect(proxy.pings).toBe(0);
  });

  it('an idle, healthy link: pings are answered and nothing closes over many intervals', async () => {
    const { proxy, counts } = await pongServerBehindProxy();
    const interval = 100;
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: interval, keepaliveTimeout: 300 }),
    );
    const closed = closedWith(renderer);
    const idleMs = 1500;
    await sleep(idleMs);
    expect(closed.error).toBeUndefined();
    // A ping after every silent interval (one interval later the answer counts as traffic): ~7 here.
    expect(counts.pings).toBeGreaterThanOrEqual(3);
    expect(counts.pings).toBeLessThanOrEqual(idleMs / interval);
    expect(proxy.pings).toBe(counts.pings);
    expect(proxy.answers).toBe(counts.pings);
    // Zero-length frames never reach the session (it would close on an empty frame).
    disconnect(renderer);
    expect(closed.error?.message).toMatch(/The renderer closed its connection/);
  });

  it('an idle link to main: main answers the pings, nothing closes, and calls still work after', async () => {
    const { main, proxy, log } = await mainBehindProxy();
    main.ipcMain.handle('echo', (_event, value) => value);
    const interval = 100;
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: interval, keepaliveTimeout: 300 }),
    );
    const closed = closedWith(renderer);
    await connected(renderer);
    const idleMs = 1500;
    await sleep(idleMs);
    expect(closed.error).toBeUndefined();
    expect(proxy.pings).toBeGreaterThanOrEqual(3);
    expect(proxy.pings).toBeLessThanOrEqual(idleMs / interval);
    expect(proxy.answers).toBe(proxy.pings);
    expect(await renderer.invoke('echo', 'still here')).toBe('still here');
    expect(log).toEqual({ warn: [], error: [] });
  });

  it('an event loop blocked past the timeout right after a ping is no false verdict: queued answers count', async () => {
    // In Node, expired timers run before the I/O that arrived while the loop was blocked: the verdict
    // waits for one more timer, armed after the loop is free again, before it calls the link dead.
    const { proxy, counts } = await pongServerBehindProxy();
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: 100, keepaliveTimeout: 200 }),
    );
    const closed = closedWith(renderer);
    let blocks = 0;
    proxy.onPing = () => {
      if (blocks === 3) return;
      blocks += 1;
      busyWait(500); // the ping waits here; the client's timeout passes meanwhile
    };
    await expect.poll(() => counts.pings, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    expect(blocks).toBe(3);
    expect(closed.error).toBeUndefined();
  });

  it('traffic from main costs no pings', async () => {
    const { main, proxy } = await mainBehindProxy();
    const renderer = track(
      createIpcRenderer({ url: proxy.url, keepaliveInterval: 100, keepaliveTimeout: 300 }),
    );
    const closed = closedWith(renderer);
    let got = 0;
    renderer.on('tick', () => {
      got += 1;
    });
    const id = await connected(renderer);
    const contents = main.webContents.fromId(id)!;
    for (let i = 0; i < 40; i++) {
      contents.send('tick', i);
      await sleep(25);
    }
    await expect.poll(() => got).toBe(40);
    expect(proxy.pings).toBe(0);
    expect(closed.error).toBeUndefined();
  });

  it('keepaliveInterval: 0 turns the keepalive off (a silent link is not noticed)', async () => {
    const { proxy } = await mainBehindProxy();
    const renderer = track(createIpcRenderer({ url: proxy.url, keepaliveInterval: 0 }));
    const closed = closedWith(renderer);
    await connected(renderer);
    proxy.silence();
    await sleep(600);
    expect(closed.error).toBeUndefined();
    expect(proxy.pings).toBe(0);
  });

  describe('options are checked before any socket opens', () => {
    async function countingServer() {
      const sockets = new Set<Socket>();
      const tcp = createTcpServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      cleanup.push(() => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => tcp.close(resolve));
      });
      return { url: `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`, sockets };
    }

    const refusals: [string, Record<string, unknown>, RegExp][] = [
      ['negative interval', { keepaliveInterval: -1 }, /keepaliveInterval must be .* \(got -1\)/],
      ['NaN interval', { keepaliveInterval: Number.NaN }, /keepaliveInterval must be .* \(got NaN\)/],
      ['interval as a string', { keepaliveInterval: '100' }, /keepaliveInterval must be/],
      ['interval beyond a timer', { keepaliveInterval: 2 ** 31 }, /keepaliveInterval must be/],
      ['timeout 0', { keepaliveTimeout: 0 }, /keepaliveTimeout must be .* \(got 0\).*keepaliveInterval: 0/],
      ['timeout Infinity', { keepaliveTimeout: Infinity }, /keepaliveTimeout must be/],
      [
        'a typo',
        { keepaliveIntreval: 100 },
        /createIpcRenderer: unknown option 'keepaliveIntreval'; did you mean 'keepaliveInterval'\?/,
      ],
    ];
    for (const [what, options, message] of refusals) {
      it(`createIpcRenderer refuses ${what}`, async () => {
        const { url, sockets } = await countingServer();
        expect(() => createIpcRenderer({ url, ...options } as never)).toThrow(
          expect.objectContaining({
            code: 'ERR_IPC_INVALID_ARGUMENT',
            message: expect.stringMatching(message),
          }),
        );
        await sleep(50);
        expect(sockets.size).toBe(0);
      });
    }

    it('connect refuses unknown names (limits belongs to createIpcRenderer) and bad keepalive options', async () => {
      const { url, sockets } = await countingServer();
      const invalid = expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' });
      expect(() => connect({ url, limits: { maxPayload: 1024 } } as never)).toThrow(invalid);
      expect(() => connect({ url, limits: {} } as never)).toThrow(
        /connect: unknown option 'limits': only createIpcRenderer\(\) takes limits/,
      );
      expect(() => connect({ url, keepaliveTimeout: -5 })).toThrow(/keepaliveTimeout must be/);
      expect(() => connect(undefined as never)).toThrow(/connect\(\) needs the server's URL/);
      expect(() => connect('http://127.0.0.1:1' as never)).toThrow(/connect: options must be an object/);
      await sleep(50);
      expect(sockets.size).toBe(0);
    });

    it('createIpcRenderer accepts every documented option', async () => {
      const { proxy } = await mainBehindProxy();
      const renderer = track(
        createIpcRenderer({
          url: proxy.url,
          href: 'file:///tool.js',
          origin: undefined,
          headers: {},
          maxPayload: 1 << 20,
          invokeTimeout: 5000,
          sendSyncTimeout: 5000,
          keepaliveInterval: 1000,
          keepaliveTimeout: 1000,
          limits: { maxPayload: 1 << 20 },
        }),
      );
      await connected(renderer);
    });
  });
});
