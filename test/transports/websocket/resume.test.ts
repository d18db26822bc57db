import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createMain,
  createServer,
  type IpcServer,
  MessageChannelMain,
  type WebContents,
} from '../../../src/main.js';
import { IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeMessageFrame } from '../../../src/protocol/message-codec.js';
import { MessageKind } from '../../../src/protocol/messages.js';
import { type ConnectionEvent, connectionState, onConnectionState } from '../../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  RESUMABLE_PROTOCOL,
  resumeProtocols,
  SUBPROTOCOL,
  WS_PATH,
} from '../../../src/transports/websocket/wire.js';
import { logText, recordingLogger } from '../../conformance/harness.js';
import { type ChaosProxy, startChaosProxy } from './chaos-proxy.js';
import { rawClient } from './raw-client.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Main behind a chaos proxy, and a way to connect Node renderers through the proxy. */
async function setup(mainOptions: Parameters<typeof createMain>[0] = {}) {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger, ...mainOptions });
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  const proxy = await startChaosProxy(server.url);
  cleanup.push(() => proxy.close());
  const created: WebContents[] = [];
  server.on('web-contents-created', (contents: WebContents) => created.push(contents));
  return { main, server, proxy, log, created };
}

function renderer(proxy: ChaosProxy, options: Record<string, unknown> = {}) {
  const ipc = createIpcRenderer({ url: proxy.url, reconnectDelay: 5, maxReconnectDelay: 50, ...options });
  cleanup.push(() => disconnect(ipc));
  const events: ConnectionEvent[] = [];
  onConnectionState((event) => events.push(event), ipc);
  return { ipc, events };
}

const states = (events: readonly ConnectionEvent[]) => events.map((event) => event.state);

const KEY = createConnectionKey();

/** What the server does with an upgrade offering `protocols`: refuses it, closes it, or keeps it open. */
function upgradeOutcome(server: IpcServer, protocols: string[], origin: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${WS_PATH}`, protocols, { origin });
    socket.on('unexpected-response', (_req, res) => {
      resolve(`refused ${res.statusCode}`);
      socket.terminate();
    });
    socket.on('error', () => {});
    socket.on('close', (code) => resolve(`closed ${code}`));
    socket.on('open', () =>
      setTimeout(() => {
        resolve('open');
        socket.terminate();
      }, 100),
    );
  });
}

describe('resume after a dropped connection (Node client)', () => {
  it('keeps the same WebContents and delivers both ways exactly once, in order, across cuts', async () => {
    const { main, proxy, created } = await setup();
    const fromRenderer: number[] = [];
    main.ipcMain.on('up', (_event, i: number) => fromRenderer.push(i));
    const { ipc, events } = renderer(proxy);
    const fromMain: number[] = [];
    ipc.on('down', (_event, i: number) => fromMain.push(i));
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const contents = created[0]!;
    let destroyed = false;
    contents.once('destroyed', () => (destroyed = true));
    const total = 20_000;
    for (let i = 0; i < total; i++) {
      ipc.send('up', i);
      contents.send('down', i);
      if (i % 2000 === 1999) {
        await sleep(1);
        proxy.cutAll();
      }
    }
    await until(() => fromRenderer.length >= total && fromMain.length >= total, 'every message', 20_000);
    await sleep(50);
    expect(fromRenderer).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(fromMain).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(destroyed).toBe(false);
    expect(main.webContents.getAllWebContents()).toEqual([contents]);
    expect(proxy.cuts).toBeGreaterThanOrEqual(3);
    expect(states(events)).toContain('resumed');
    expect(states(events)).not.toContain('new-session');
  });

  it('an idle connection goes quiet: acknowledgements are not themselves acknowledged', async () => {
    const { main, proxy } = await setup({ logLevel: 'silent' });
    main.ipcMain.handle('echo', (_event, value) => value);
    const { ipc } = renderer(proxy, { keepaliveInterval: 0 });
    await ipc.invoke('echo', 1);
    // Both ends acknowledge within 200 ms of what they received; after that nothing is left to say.
    await sleep(600);
    const settled = proxy.bytes;
    await sleep(1_000);
    expect(proxy.bytes - settled, 'bytes exchanged over a second of silence').toBe(0);
  });

  it('an invoke in flight during a cut completes once; its handler runs once', async () => {
    const { main, proxy } = await setup();
    let runs = 0;
    main.ipcMain.handle('slow', async (_event, n: number) => {
      runs += 1;
      await sleep(30);
      return n * 2;
    });
    const { ipc } = renderer(proxy);
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const pending = ipc.invoke('slow', 21);
    await sleep(5);
    proxy.cutAll(); // the request arrived; the reply will be sent while the link is down
    expect(await pending).toBe(42);
    expect(runs).toBe(1);
  });
});

describe('MessagePorts across cuts', () => {
  it('a port pair keeps every message, in order, both ways, while the connection drops and resumes', async () => {
    const { proxy, created } = await setup();
    const { ipc, events } = renderer(proxy);
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const fromRenderer: number[] = [];
    const fromMain: number[] = [];
    let port: MessagePort | undefined;
    ipc.once('port', (event) => {
      port = event.ports[0];
      port!.addEventListener('message', (message) => fromMain.push((message as MessageEvent).data));
      port!.start();
    });
    const { port1, port2 } = new MessageChannelMain();
    port1.on('message', (event: { data: number }) => fromRenderer.push(event.data));
    port1.start();
    created[0]!.postMessage('port', null, [port2]);
    await until(() => port !== undefined, 'the port');
    const total = 5_000;
    for (let i = 0; i < total; i++) {
      port!.postMessage(i);
      port1.postMessage(i);
      if (i % 1000 === 999) {
        // Each cut once the previous one has resumed.
        const resumes = proxy.cuts;
        await until(
          () => states(events).filter((state) => state === 'resumed').length === resumes,
          'a resume',
        );
        proxy.cutAll();
      }
    }
    await until(() => fromRenderer.length >= total && fromMain.length >= total, 'every message', 20_000);
    await sleep(50);
    expect(fromRenderer).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(fromMain).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(proxy.cuts).toBeGreaterThanOrEqual(3);
    expect(states(events)).toContain('resumed');
    port1.close();
  });
});

describe('when the session cannot resume', () => {
  it('after the grace period main destroys the WebContents; the renderer gets a new session', async () => {
    const { main, proxy, created, log } = await setup({ resumeGracePeriod: 100 });
    main.ipcMain.handle('hang', () => new Promise(() => {}));
    main.ipcMain.handle('id', (event) => event.sender.id);
    const { ipc, events } = renderer(proxy, { reconnectDelay: 400, maxReconnectDelay: 400 });
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const first = created[0]!;
    const lost: unknown[] = [];
    first.on('connection-lost', (error) => lost.push(error));
    const destroyed = new Promise((resolve) => first.once('destroyed', resolve));
    const pending = ipc.invoke('hang').catch((error) => error.code);
    await sleep(20);
    proxy.refuse(true);
    proxy.cutAll();
    await destroyed; // 100 ms of grace, while the renderer cannot get through
    expect(lost).toHaveLength(1);
    expect(logText(log.warn)).toMatch(/did not reconnect within 100 ms/);
    proxy.refuse(false);
    expect(await pending).toBe(IpcErrorCode.SessionLost);
    await until(() => states(events).includes('new-session'), 'a new session');
    const newId = await ipc.invoke('id');
    expect(newId).not.toBe(first.id);
    expect(created.map((contents) => contents.id)).toEqual([first.id, newId]);
    expect(states(events)).toEqual(['connected', 'reconnecting', 'new-session']);
  });

  it('sends made while away from a restarted main go to the new session; they are counted as unconfirmed', async () => {
    const { logger } = recordingLogger();
    const main1 = createMain({ logger });
    const server1 = await createServer({ main: main1 });
    const port = Number(new URL(server1.url).port);
    const { ipc, events } = (() => {
      const ipc = createIpcRenderer({ url: server1.url, reconnectDelay: 5, maxReconnectDelay: 50 });
      cleanup.push(() => disconnect(ipc));
      const events: ConnectionEvent[] = [];
      onConnectionState((event) => events.push(event), ipc);
      return { ipc, events };
    })();
    main1.ipcMain.handle('hang', () => new Promise(() => {}));
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const pending = ipc.invoke('hang').catch((error) => error.code);
    await sleep(20);
    await server1.close(); // graceful: 1001, the session is over
    expect(await pending).toBe(IpcErrorCode.SessionLost);
    expect(connectionState(ipc)).toBe('reconnecting');
    ipc.send('while-away', 1);
    const main2 = createMain({ logger });
    const got: unknown[] = [];
    main2.ipcMain.on('while-away', (_event, n) => got.push(n));
    main2.ipcMain.handle('ping', () => 'pong');
    const server2 = await createServer({ main: main2, port });
    cleanup.push(() => server2.close());
    expect(await ipc.invoke('ping')).toBe('pong');
    expect(got).toEqual([1]);
    expect(states(events)).toEqual(['connected', 'reconnecting', 'new-session']);
  });

  it('resumes only with the key, the current token and the same origin; a token works once', async () => {
    const { server, created } = await setup();
    const origin = server.url;
    const first = await rawClient(server, {
      origin,
      protocols: [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + KEY, RESUMABLE_PROTOCOL],
    });
    const [hello] = decodeFrame(await first.nextFrame(), 'renderer', DEFAULT_LIMITS);
    const token = (hello as { resumeToken: string }).resumeToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const contents = created[0]!;
    first.socket.terminate();
    await until(() => contents.listenerCount('destroyed') >= 0 && !contents.isDestroyed(), 'the drop');
    const offer = (t: string, received = 1) => [
      SUBPROTOCOL,
      KEY_PROTOCOL_PREFIX + KEY,
      ...resumeProtocols({ token: t, received }),
    ];
    // Another origin is refused before the upgrade; a wrong token or an impossible count after it.
    const sameServerOtherOrigin = origin.replace('127.0.0.1', 'localhost');
    expect(await upgradeOutcome(server, offer(token), sameServerOtherOrigin)).toBe('refused 400');
    expect(await upgradeOutcome(server, offer('B'.repeat(43)), origin)).toBe('closed 1008');
    expect(await upgradeOutcome(server, offer(token, 99), origin)).toBe('closed 1008');
    expect(contents.isDestroyed()).toBe(false);
    const resumed = await rawClient(server, { origin, protocols: offer(token) });
    const [notice] = decodeFrame(await resumed.nextFrame(), 'renderer', DEFAULT_LIMITS);
    expect(notice).toMatchObject({ kind: MessageKind.Resumed, seq: 0, received: 0 });
    const next = (notice as { token: string }).token;
    expect(next).not.toBe(token);
    // The renderer showed it has the new token (it sent a frame): the old one is spent for good.
    resumed.socket.send(encodeMessageFrame({ kind: MessageKind.RendererAck, seq: 0, received: 1 }));
    await sleep(20);
    resumed.socket.terminate();
    await sleep(20);
    expect(await upgradeOutcome(server, offer(token), origin)).toBe('closed 1008');
    expect(await upgradeOutcome(server, offer(next), origin)).toBe('open');
    expect(created).toEqual([contents]);
  });

  it('a renderer that does not reconnect ends its session at once', async () => {
    const { proxy, created } = await setup();
    const { ipc } = renderer(proxy, { reconnect: false });
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const destroyed = new Promise((resolve) => created[0]!.once('destroyed', resolve));
    proxy.cutAll();
    await destroyed;
    await until(() => connectionState(ipc) === 'closed', 'the renderer to close');
  });

  it('what main sends while the renderer is away is bounded by maxReplayBytes', async () => {
    const { proxy, created, log } = await setup({ maxReplayBytes: 1024 * 1024 });
    const { ipc } = renderer(proxy, { limits: { maxPayload: 64 * 1024 } });
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const contents = created[0]!;
    const lost = new Promise((resolve) => contents.once('connection-lost', resolve));
    proxy.refuse(true);
    proxy.cutAll();
    await lost;
    const destroyed = new Promise((resolve) => contents.once('destroyed', resolve));
    const chunk = new Uint8Array(32 * 1024);
    for (let i = 0; i < 64 && !contents.isDestroyed(); i++) {
      contents.send('bulk', chunk);
      await sleep(0);
    }
    await destroyed;
    expect(logText(log.error)).toMatch(/ERR_IPC_REPLAY_OVERFLOW/);
  });
});

describe('a renderer that cannot keep what it sends while away', () => {
  it('gives its session up past maxReplayBytes and starts a new one with what it sent after that', async () => {
    const { main, proxy, created } = await setup({ limits: { maxPayload: 64 * 1024 } });
    main.ipcMain.handle('hang', () => new Promise(() => {}));
    const got: number[] = [];
    main.ipcMain.on('bulk', (_event, i: number) => got.push(i));
    const { ipc, events } = renderer(proxy, { maxReplayBytes: 512 * 1024 });
    await until(() => connectionState(ipc) === 'connected', 'the first connection');
    const first = created[0]!;
    const pending = ipc.invoke('hang').catch((error) => error.code);
    await sleep(20);
    proxy.refuse(true);
    proxy.cutAll();
    await until(() => connectionState(ipc) === 'reconnecting', 'the drop');
    const chunk = new Uint8Array(32 * 1024);
    for (let i = 0; i < 40; i++) {
      ipc.send('bulk', i, chunk);
      await sleep(0);
    }
    expect(await pending).toBe(IpcErrorCode.ReplayOverflow);
    proxy.refuse(false);
    await until(() => states(events).includes('new-session'), 'a new session');
    await until(() => got.length > 0 && got.at(-1) === 39, 'the sends made after the overflow');
    // What was sent after the session was given up arrives in order; nothing before it is replayed.
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => 40 - got.length + i));
    expect(got.length).toBeLessThan(40);
    expect(first.isDestroyed()).toBe(true);
    expect(created).toHaveLength(2);
  });
});
