import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { createMain, createServer, type IpcServer, type Main, type WebContents } from '../../../src/main.js';
import type { IpcError } from '../../../src/protocol/errors.js';
import type { IpcRenderer } from '../../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { BacklogBudget } from '../../../src/transports/websocket/backlog-budget.js';
import { DEFAULT_MAX_BUFFERED_BYTES } from '../../../src/transports/websocket/ipc-server.js';
import { SocketMainTransport } from '../../../src/transports/websocket/socket-main-transport.js';
import { logText, recordingLogger } from '../../conformance/harness.js';
import { rawClient } from './raw-client.js';

const MiB = 1024 * 1024;
const KiB = 1024;

/**
 * Just enough of a `ws` socket for SocketMainTransport: the test decides how much is waiting to be
 * sent (`bufferedAmount`), as the network would by taking bytes or not.
 */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  terminated = false;
  on(): this {
    return this;
  }
  once(): this {
    return this;
  }
  send(frame: Uint8Array): void {
    this.sent.push(frame);
    this.bufferedAmount += frame.byteLength;
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.bufferedAmount = 0;
  }
}

function fakeConnection(budget: BacklogBudget, maxBufferedBytes: number, maxPayload = 64 * MiB) {
  const socket = new FakeSocket();
  const transport = new SocketMainTransport(
    socket as unknown as WebSocket,
    socket as unknown as Duplex,
    `key-${Math.random()}`,
    undefined,
    maxPayload,
    { maxBufferedBytes, budget },
    () => all.delete(transport),
  );
  const seen = { frames: [] as Uint8Array[], rejected: [] as IpcError[], closed: [] as IpcError[] };
  transport.start({
    frame: (frame) => seen.frames.push(frame),
    // As main does: log, then close the transport.
    reject: (reason) => {
      seen.rejected.push(reason);
      transport.close(reason);
    },
    close: (reason) => seen.closed.push(reason),
  });
  all.add(transport);
  return { socket, transport, seen };
}

const all = new Set<SocketMainTransport>();
const unbounded = () => new BacklogBudget(Number.POSITIVE_INFINITY, () => all);

afterEach(() => {
  vi.useRealTimers();
  all.clear();
});

describe('slow consumer policy (one connection)', () => {
  it('a page over its limit that keeps reading (at least 64 KiB per 2 s) keeps its connection', () => {
    vi.useFakeTimers();
    const { socket, transport, seen } = fakeConnection(unbounded(), 1 * MiB);
    // One large message: far over the limit, and the page takes it slowly (100 KiB per 2 s).
    transport.send(new Uint8Array(3 * MiB));
    for (let round = 0; round < 10; round++) {
      socket.bufferedAmount -= 100 * KiB;
      vi.advanceTimersByTime(2000);
      transport.send(new Uint8Array(1)); // main goes on sending small messages meanwhile
    }
    expect(seen.rejected).toEqual([]);
    expect(transport.isClosed).toBe(false);
  });

  it('a page over its limit that takes less than 64 KiB in 2 s is cut off as a slow consumer', () => {
    vi.useFakeTimers();
    const { socket, transport, seen } = fakeConnection(unbounded(), 1 * MiB);
    transport.send(new Uint8Array(2 * MiB));
    socket.bufferedAmount -= 10 * KiB;
    vi.advanceTimersByTime(1999);
    expect(transport.isClosed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(seen.rejected.map((error) => error.code)).toEqual(['ERR_IPC_SLOW_CONSUMER']);
    expect(seen.rejected[0]!.message).toContain('took 10240 bytes in 2000 ms');
    expect(socket.terminated).toBe(true);
  });

  it('a page back under its limit is left alone, whatever it took', () => {
    vi.useFakeTimers();
    const { socket, transport } = fakeConnection(unbounded(), 1 * MiB);
    transport.send(new Uint8Array(1 * MiB + 1));
    socket.bufferedAmount = 1 * MiB;
    vi.advanceTimersByTime(10_000);
    expect(transport.isClosed).toBe(false);
  });

  it('one message of any allowed size fits, but small messages piling up past 4x the limit cut at once', () => {
    const { socket, transport, seen } = fakeConnection(unbounded(), 1 * MiB);
    transport.send(new Uint8Array(60 * MiB)); // a large webContents.send to a page that reads
    for (let i = 0; i < 3 * 16; i++) transport.send(new Uint8Array(64 * KiB)); // 3 MiB more: fine
    expect(transport.isClosed).toBe(false);
    socket.bufferedAmount = 0; // the page read it all
    transport.send(new Uint8Array(1)); // under the limit: the large frame no longer counts
    socket.bufferedAmount = 4 * MiB + 1; // now small messages pile up
    transport.send(new Uint8Array(1));
    expect(seen.rejected.map((error) => error.code)).toEqual(['ERR_IPC_SLOW_CONSUMER']);
    expect(seen.rejected[0]!.message).toContain('more than 4 times the limit');
  });

  it('answers a zero-length keepalive ping at once with one of its own, and does not pass it to main', () => {
    const { socket, transport, seen } = fakeConnection(unbounded(), 1 * MiB);
    transport.alive = false;
    transport.received(Buffer.alloc(0), true);
    expect(socket.sent.map((frame) => frame.byteLength)).toEqual([0]);
    expect(seen.frames).toEqual([]);
    expect(transport.alive).toBe(true);
    // Any other frame is proof of life too, and goes to main.
    transport.alive = false;
    transport.received(Buffer.from([1, 2, 3]), true);
    expect(transport.alive).toBe(true);
    expect(seen.frames).toHaveLength(1);
    expect(seen.rejected).toEqual([]);
  });
});

describe('server-wide budget (maxTotalBufferedBytes)', () => {
  it('cuts the connection with the largest backlog once the sum passes the budget; its share is released', () => {
    const budget = new BacklogBudget(10 * MiB, () => all);
    const a = fakeConnection(budget, 8 * MiB);
    const b = fakeConnection(budget, 8 * MiB);
    const c = fakeConnection(budget, 8 * MiB);
    a.transport.send(new Uint8Array(3 * MiB));
    b.transport.send(new Uint8Array(5 * MiB));
    c.transport.send(new Uint8Array(1 * MiB));
    expect(budget.counted).toBe(9 * MiB);
    c.transport.send(new Uint8Array(2 * MiB)); // 11 MiB in all: b, the largest, goes
    expect(b.seen.rejected.map((error) => error.code)).toEqual(['ERR_IPC_SLOW_CONSUMER']);
    expect(b.seen.rejected[0]!.message).toContain('maxTotalBufferedBytes');
    expect(b.socket.terminated).toBe(true);
    expect([a.transport.isClosed, c.transport.isClosed]).toEqual([false, false]);
    expect(budget.counted).toBe(6 * MiB);
  });

  it('counts what really waits before cutting anyone: backlogs the network took meanwhile do not count', () => {
    const budget = new BacklogBudget(10 * MiB, () => all);
    const a = fakeConnection(budget, 16 * MiB);
    const b = fakeConnection(budget, 16 * MiB);
    a.transport.send(new Uint8Array(6 * MiB));
    b.transport.send(new Uint8Array(3 * MiB));
    a.socket.bufferedAmount = 0; // a's page read everything since
    b.transport.send(new Uint8Array(3 * MiB)); // 12 MiB by the reports, 6 MiB really
    expect([a.transport.isClosed, b.transport.isClosed]).toEqual([false, false]);
    expect(budget.counted).toBe(6 * MiB);
  });

  it('a closed connection gives its share back', () => {
    const budget = new BacklogBudget(100 * MiB, () => all);
    const a = fakeConnection(budget, 16 * MiB);
    a.transport.send(new Uint8Array(5 * MiB));
    expect(budget.counted).toBe(5 * MiB);
    a.transport.terminate(new Error('gone') as IpcError);
    expect(budget.counted).toBe(0);
  });
});

describe('slow pages against a real server (issue #12 row 7)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start(options: Parameters<typeof createServer>[0] = {}) {
    const { logger, log } = recordingLogger();
    const main = createMain({ logger });
    const server = await createServer({ ...options, main });
    cleanup.push(() => server.close());
    return { main, server, log };
  }

  function nextContents(server: IpcServer): Promise<WebContents> {
    return new Promise((resolve) => server.once('web-contents-created', resolve));
  }

  /** A raw client that stops reading (its kernel buffers fill up, then main's send backlog grows). */
  async function stalledPage(server: IpcServer): Promise<WebContents> {
    const created = nextContents(server);
    const client = await rawClient(server);
    cleanup.push(() => client.socket.terminate());
    const contents = await created;
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    return contents;
  }

  function connectNode(server: IpcServer): IpcRenderer {
    const renderer = createIpcRenderer({ url: server.url });
    cleanup.push(() => disconnect(renderer));
    return renderer;
  }

  function connected(renderer: IpcRenderer): Promise<number> {
    return new Promise((resolve, reject) => {
      lifecycleOf(renderer).once('connected', resolve);
      lifecycleOf(renderer).once('closed', reject);
    });
  }

  const bufferedBytes = (server: IpcServer) => server.transport.bufferedBytes;
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  /**
   * Broadcasts 1 MiB to every page, a turn apart, until every stalled page is cut; returns the largest
   * backlog seen. Bounded: at most 300 broadcasts (loopback kernel buffers hold a few MiB per page).
   */
  async function broadcastUntilCut(server: IpcServer, main: Main, stalled: WebContents[]): Promise<number> {
    const chunk = 'x'.repeat(MiB);
    let peak = 0;
    for (let i = 0; i < 300 && stalled.some((contents) => !contents.isDestroyed()); i++) {
      for (const contents of main.webContents.getAllWebContents()) contents.send('broadcast', chunk);
      peak = Math.max(peak, bufferedBytes(server));
      await nextTurn();
    }
    return peak;
  }

  it('with default options, four pages that stop reading during a broadcast are cut off, and what main held for them is released', async () => {
    const { server, main, log } = await start();
    main.ipcMain.handle('ping', () => 'pong');
    const healthy = connectNode(server);
    await connected(healthy);
    const stalled: WebContents[] = [];
    for (let i = 0; i < 4; i++) stalled.push(await stalledPage(server));
    const peak = await broadcastUntilCut(server, main, stalled);
    expect(stalled.map((contents) => contents.isDestroyed())).toEqual([true, true, true, true]);
    // Each page is cut before its backlog passes 4 x 4 MiB plus the largest message in it (1 MiB).
    const perPage = 4 * DEFAULT_MAX_BUFFERED_BYTES + 2 * MiB;
    expect(peak).toBeLessThanOrEqual(4 * perPage + 2 * MiB);
    expect(logText(log.error)).toContain('[ERR_IPC_SLOW_CONSUMER]');
    // Memory given back: nothing counts against the budget once the stalled pages are gone.
    await expect.poll(() => bufferedBytes(server), { timeout: 2000 }).toBeLessThan(2 * MiB);
    expect(await healthy.invoke('ping')).toBe('pong');
  });

  it('past maxTotalBufferedBytes the page with the largest backlog is cut, and the total stays bounded', async () => {
    const total = 12 * MiB;
    const { server, main, log } = await start({ maxPayload: 2 * MiB, maxTotalBufferedBytes: total });
    const stalled: WebContents[] = [];
    for (let i = 0; i < 4; i++) stalled.push(await stalledPage(server));
    const peak = await broadcastUntilCut(server, main, stalled);
    expect(stalled.every((contents) => contents.isDestroyed())).toBe(true);
    expect(peak).toBeLessThanOrEqual(total);
    expect(logText(log.error)).toContain('maxTotalBufferedBytes');
  });

  it('a 60 MiB message reaches a reading page with default options, with small messages right behind it', async () => {
    const { server, main } = await start();
    const renderer = connectNode(server);
    const contents = main.webContents.fromId(await connected(renderer))!;
    const received: number[] = [];
    renderer.on('m', (_event, value: Uint8Array | number) =>
      received.push(typeof value === 'number' ? value : value.byteLength),
    );
    contents.send('m', new Uint8Array(60 * MiB).fill(1));
    for (let i = 0; i < 20; i++) contents.send('m', i);
    for (let i = 20; i < 40; i++) {
      await nextTurn();
      contents.send('m', i);
    }
    await expect.poll(() => received.length, { timeout: 20_000, interval: 50 }).toBe(41);
    expect(received[0]).toBe(60 * MiB);
    expect(received.slice(1)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(contents.isDestroyed()).toBe(false);
  }, 30_000);
});
