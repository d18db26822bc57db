import { createServer as createHttpServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import {
  attach,
  createMain,
  createServer,
  type IpcServer,
  type Main,
  type WebContents,
} from '../../../src/main.js';
import { PROTOCOL_MIN_PAYLOAD } from '../../../src/protocol/messages.js';
import type { IpcRenderer } from '../../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { SUBPROTOCOL, WS_PATH } from '../../../src/transports/websocket/wire.js';
import { logText, recordingLogger } from '../../conformance/harness.js';
import { FIXTURES } from './browser.js';
import { rawClient } from './raw-client.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: Parameters<typeof createServer>[0] = {}) {
  const { logger, log } = recordingLogger();
  const main = options.main ?? createMain({ logger });
  const server = await createServer({ static: FIXTURES, ...options, main });
  cleanup.push(() => server.close());
  return { main, server, log };
}

function connectNode(
  server: IpcServer,
  options: { origin?: string; limits?: { maxPayload: number }; maxPayload?: number } = {},
): IpcRenderer {
  const renderer = createIpcRenderer({ url: server.url, ...options });
  cleanup.push(() => disconnect(renderer));
  return renderer;
}

function connected(renderer: IpcRenderer): Promise<number> {
  return new Promise((resolve, reject) => {
    lifecycleOf(renderer).once('connected', resolve);
    lifecycleOf(renderer).once('closed', reject);
  });
}

function nextContents(server: IpcServer): Promise<WebContents> {
  return new Promise((resolve) => server.once('web-contents-created', resolve));
}

/** The upgrade's HTTP status when the server refuses it. */
function refusedStatus(url: string, protocols: string[], origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, origin === undefined ? {} : { origin });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.on('error', () => {});
  });
}

describe('createServer', () => {
  it('listens on 127.0.0.1 with a free port by default and reports its url', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((server.httpServer.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('serves the classic script at /ipc-anywhere/renderer.js', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/ipc-anywhere/renderer.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await res.text()).length).toBeGreaterThan(1000);
  });

  it('emits web-contents-created for each renderer, before its messages are dispatched', async () => {
    const { server } = await start();
    const seen: string[] = [];
    server.on('web-contents-created', (contents) => {
      contents.ipc.on('first', () => seen.push(`first from #${contents.id}`));
    });
    const renderer = connectNode(server);
    renderer.send('first');
    const id = await connected(renderer);
    await renderer.invoke('unknown').catch(() => {});
    expect(seen).toEqual([`first from #${id}`]);
  });

  it('closes every page on close(): their WebContents are destroyed and calls reject with ERR_IPC_SESSION_LOST', async () => {
    const { server, main } = await start();
    main.ipcMain.handle('hang', () => new Promise(() => {}));
    // A renderer that reconnects learns that its session ended (it tries a restarted main later).
    const renderer = createIpcRenderer({ url: server.url });
    cleanup.push(() => disconnect(renderer));
    const contents = nextContents(server);
    await connected(renderer);
    const destroyed = new Promise((resolve) => contents.then((c) => c.once('destroyed', resolve)));
    const pending = renderer.invoke('hang').catch((error) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    await destroyed;
    expect(await pending).toBe('ERR_IPC_SESSION_LOST');
    expect(main.webContents.getAllWebContents()).toEqual([]);
  });

  it('a renderer that does not reconnect gets ERR_IPC_CLOSED when the server closes', async () => {
    const { server, main } = await start();
    main.ipcMain.handle('hang', () => new Promise(() => {}));
    const renderer = createIpcRenderer({ url: server.url, reconnect: false });
    await connected(renderer);
    const pending = renderer.invoke('hang').catch((error) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    expect(await pending).toBe('ERR_IPC_CLOSED');
  });
});

describe('WebContents of a WebSocket renderer', () => {
  it("is a 'window' with the page URL and the verified Origin for a browser-like client", async () => {
    const { server } = await start();
    const origin = server.url.replace('127.0.0.1', 'localhost');
    const created = nextContents(server);
    const client = await rawClient(server, { origin, href: 'http://localhost/app/index.html#x' });
    cleanup.push(() => client.socket.terminate());
    const contents = await created;
    expect(contents.getType()).toBe('window');
    expect(contents.getURL()).toBe('http://localhost/app/index.html#x');
    expect(contents.mainFrame.origin).toBe(origin);
  });

  it("is 'remote' with origin 'null' for a client without Origin (a Node process)", async () => {
    const { server, main } = await start();
    const renderer = connectNode(server);
    const contents = main.webContents.fromId(await connected(renderer))!;
    expect(contents.getType()).toBe('remote');
    expect(contents.mainFrame.origin).toBe('null');
    expect(contents.getURL()).toMatch(/^file:\/\//);
  });

  it("emits 'destroyed' when the page's socket closes", async () => {
    const { server } = await start();
    const created = nextContents(server);
    const client = await rawClient(server);
    const contents = await created;
    const destroyed = new Promise((resolve) => contents.once('destroyed', resolve));
    client.socket.close();
    await destroyed;
    expect(contents.isDestroyed()).toBe(true);
    expect(() => contents.send('after', 1)).not.toThrow();
  });
});

describe('origin allow-list', () => {
  it('accepts the server’s own origins by default and refuses others at the upgrade', async () => {
    const { server, log, main } = await start();
    const port = (server.httpServer.address() as AddressInfo).port;
    const url = `ws://127.0.0.1:${port}${WS_PATH}`;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const client = await rawClient(server, { origin });
      client.socket.terminate();
    }
    const key = `key.${'A'.repeat(43)}`;
    expect(await refusedStatus(url, [SUBPROTOCOL, key], 'http://evil.example')).toBe(403);
    expect(await refusedStatus(url, [SUBPROTOCOL, key], `http://127.0.0.1:${port + 1}`)).toBe(403);
    expect(await refusedStatus(url, [SUBPROTOCOL, key], 'null')).toBe(403);
    expect(logText(log.warn)).toContain('refused a WebSocket from origin http://evil.example');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(main.webContents.getAllWebContents()).toHaveLength(0);
  });

  it('uses allowedOrigins (a list or a predicate) instead of the default', async () => {
    const { server } = await start({ allowedOrigins: ['https://app.example'] });
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    const key = `key.${'B'.repeat(43)}`;
    (await rawClient(server, { origin: 'https://app.example' })).socket.terminate();
    expect(await refusedStatus(url, [SUBPROTOCOL, key], server.url)).toBe(403);

    const { server: second } = await start({ allowedOrigins: (origin) => origin.endsWith('.example') });
    (await rawClient(second, { origin: 'https://a.example' })).socket.terminate();
    expect(
      await refusedStatus(
        `${second.url.replace('http', 'ws')}${WS_PATH}`,
        [SUBPROTOCOL, key],
        'https://a.test',
      ),
    ).toBe(403);
  });

  it('refuses clients without Origin when allowMissingOrigin is false', async () => {
    const { server } = await start({ allowMissingOrigin: false });
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    expect(await refusedStatus(url, [SUBPROTOCOL, `key.${'C'.repeat(43)}`])).toBe(403);
  });

  it('refuses an upgrade without the subprotocol, with a malformed key, or with a key in use', async () => {
    const { server } = await start();
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    expect(await refusedStatus(url, ['other'])).toBe(400);
    expect(await refusedStatus(url, [SUBPROTOCOL])).toBe(400);
    expect(await refusedStatus(url, [SUBPROTOCOL, 'key.short'])).toBe(400);
    const client = await rawClient(server);
    cleanup.push(() => client.socket.terminate());
    expect(await refusedStatus(url, [SUBPROTOCOL, `key.${client.key}`])).toBe(400);
  });

  it('ignores upgrades for other paths (destroyed by a server it owns)', async () => {
    const { server } = await start();
    const status = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
      socket.on('error', (error) => resolve(error.message));
      socket.on('open', () => resolve('open'));
    });
    expect(status).not.toBe('open');
  });
});

describe('payload limit', () => {
  it('is announced at handshake: an oversize message throws ERR_IPC_PAYLOAD_TOO_LARGE and the connection lives on', async () => {
    const { server, main, log } = await start({ maxPayload: 1024 });
    main.ipcMain.handle('echo', (_event, value) => value);
    const renderer = connectNode(server);
    await connected(renderer);
    let code: unknown;
    try {
      renderer.send('big', 'x'.repeat(2000));
    } catch (error) {
      code = (error as { code?: string }).code;
    }
    expect(code).toBe('ERR_IPC_PAYLOAD_TOO_LARGE');
    await expect(renderer.invoke('big', 'x'.repeat(2000))).rejects.toMatchObject({
      code: 'ERR_IPC_PAYLOAD_TOO_LARGE',
    });
    expect(await renderer.invoke('echo', 'still here')).toBe('still here');
    expect(log.error).toEqual([]);
  });

  it('the smaller of main’s limit and the server’s is announced', async () => {
    const { logger } = recordingLogger();
    const { server } = await start({
      main: createMain({ logger, limits: { maxPayload: 2048 } }),
      maxPayload: 4096,
    });
    const renderer = connectNode(server);
    await connected(renderer);
    expect(() => renderer.send('big', 'x'.repeat(2100))).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_PAYLOAD_TOO_LARGE' }),
    );
  });

  it('a frame over the limit from a client that ignores it closes only that connection, with a logged reason', async () => {
    const { server, main, log } = await start({ maxPayload: 1024 });
    main.ipcMain.handle('ping', () => 'pong');
    const honest = connectNode(server);
    await connected(honest);
    const hostile = await rawClient(server);
    await hostile.nextFrame();
    hostile.socket.send(new Uint8Array(4096));
    const { code } = await hostile.closed;
    expect(code).toBe(1009);
    await expect.poll(() => logText(log.error)).toContain('ERR_IPC_LIMIT_EXCEEDED');
    expect(await honest.invoke('ping')).toBe('pong');
  });

  it('what a renderer accepts is announced at the handshake: main refuses more from its first message on', async () => {
    const { server } = await start();
    const outcome = new Promise<unknown>((resolve) =>
      server.once('web-contents-created', (contents) => {
        contents.once('ipc-message-dropped', (error: { code?: string }) => resolve(error.code));
        contents.send('big', 'x'.repeat(5000));
      }),
    );
    const renderer = connectNode(server, { limits: { maxPayload: 2048 } });
    await connected(renderer);
    expect(await outcome).toBe('ERR_IPC_PAYLOAD_TOO_LARGE');
    expect(await renderer.invoke('missing').catch((error: Error) => error.message)).toContain('No handler');
  });

  it('refuses a malformed limit in the handshake', async () => {
    const { server, main } = await start();
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    const key = `key.${'k'.repeat(43)}`;
    expect(await refusedStatus(url, [SUBPROTOCOL, key, 'limit.abc'])).toBe(400);
    expect(await refusedStatus(url, [SUBPROTOCOL, key, 'limit.0'])).toBe(400);
    expect(await refusedStatus(url, [SUBPROTOCOL, key, 'limit.5', 'limit.6'])).toBe(400);
    // Below what the protocol itself needs (main's hello would not fit): refused before a WebContents exists.
    for (const limit of [1, 7, PROTOCOL_MIN_PAYLOAD - 1]) {
      expect(await refusedStatus(url, [SUBPROTOCOL, key, `limit.${limit}`])).toBe(400);
    }
    expect(main.webContents.getAllWebContents()).toEqual([]);
  });

  it('what a renderer accepts is announced too: main refuses more, and the connection lives on', async () => {
    const { server, main, log } = await start();
    main.ipcMain.handle('big', () => 'x'.repeat(5000));
    const renderer = connectNode(server, { limits: { maxPayload: 2048 } });
    const contents = main.webContents.fromId(await connected(renderer))!;
    const received: unknown[] = [];
    renderer.on('small', (_event, value) => received.push(value));
    // The announcement is the renderer's first message: wait until main has it.
    await renderer.invoke('echo').catch(() => undefined);
    const dropped: string[] = [];
    contents.on('ipc-message-dropped', (error: { code: string }, channel: string) =>
      dropped.push(`${channel}: ${error.code}`),
    );
    contents.send('big', 'x'.repeat(5000));
    expect(dropped).toEqual(['big: ERR_IPC_PAYLOAD_TOO_LARGE']);
    expect(logText(log.warn)).toContain(`dropped a message on 'big' to WebContents #${contents.id}`);
    await expect(renderer.invoke('big')).rejects.toMatchObject({
      code: 'ERR_IPC_PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(
        /^Error invoking remote method 'big': Error: \[ERR_IPC_PAYLOAD_TOO_LARGE\] .*accepts at most 2048/,
      ),
    });
    contents.send('small', 'still connected');
    await expect.poll(() => received).toEqual(['still connected']);
    expect(logText(log.error)).not.toContain('closing WebContents');
  });
});

describe('large messages', () => {
  it('a Node renderer with a raised limit receives messages larger than the default 64 MiB', async () => {
    const { server, main } = await start();
    const renderer = connectNode(server, { limits: { maxPayload: 80 * 1024 * 1024 } });
    const contents = main.webContents.fromId(await connected(renderer))!;
    const big = new Uint8Array(65 * 1024 * 1024).fill(7);
    const received = new Promise<Uint8Array>((resolve, reject) => {
      renderer.once('big', (_event, bytes) => resolve(bytes));
      lifecycleOf(renderer).once('closed', reject);
    });
    await renderer.invoke('sync-point').catch(() => undefined); // main has the renderer's limit by now
    contents.send('big', big);
    const bytes = await received;
    expect(bytes.length).toBe(big.length);
    expect(bytes[bytes.length - 1]).toBe(7);
  });
});

describe('slow consumers', () => {
  /** The server's side of every connection it holds now (`connections`: key to transport). */
  const serverSockets = (server: IpcServer) =>
    [
      ...(
        server.transport as unknown as {
          connections: Map<string, { socket: { bufferedAmount: number; readyState: number } }>;
        }
      ).connections.values(),
    ].map((transport) => transport.socket);

  /** A raw client that stops reading (its kernel buffers fill up, then main's send backlog grows). */
  async function stalledPage(server: IpcServer) {
    const created = nextContents(server);
    const client = await rawClient(server);
    cleanup.push(() => client.socket.terminate());
    const contents = await created;
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    return contents;
  }

  const chunk = 'x'.repeat(1024 * 1024);
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('a page whose backlog passes four times the limit is cut off at once; main and other pages go on', async () => {
    const { server, main, log } = await start({ maxBufferedBytes: 1024 * 1024 });
    main.ipcMain.handle('ping', () => 'pong');
    const healthy = connectNode(server);
    await connected(healthy);
    const contents = await stalledPage(server);
    const sockets = serverSockets(server);
    expect(sockets).toHaveLength(2);
    let sent = 0;
    // Bounded: at most 200 messages of 1 MiB before giving up (loopback buffers hold a few MiB).
    while (sent < 200 && !contents.isDestroyed()) {
      contents.send('flood', chunk);
      sent++;
      await nextTurn();
    }
    expect(contents.isDestroyed()).toBe(true);
    expect(sent).toBeLessThan(200);
    expect(logText(log.error)).toContain(`closing WebContents #${contents.id}: [ERR_IPC_SLOW_CONSUMER]`);
    // Terminated, not left closing (a close handshake with a page that does not read would take 30 s).
    const open = () => sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED).length;
    await expect.poll(open, { timeout: 1000 }).toBe(1);
    expect(await healthy.invoke('ping')).toBe('pong');
  });

  it('a page whose backlog stays over the limit is closed after the grace period', async () => {
    const limit = 4 * 1024 * 1024;
    const { server, log } = await start({ maxBufferedBytes: limit });
    const contents = await stalledPage(server);
    const backlog = () => Math.max(...[...serverSockets(server)].map((socket) => socket.bufferedAmount));
    // Bounded: fill until the backlog is over the limit (but under four times it), at most 100 MiB.
    for (let i = 0; i < 100 && backlog() <= limit; i++) {
      contents.send('fill', chunk);
      await nextTurn();
    }
    expect(backlog()).toBeGreaterThan(limit);
    expect(contents.isDestroyed()).toBe(false);
    await expect.poll(() => contents.isDestroyed(), { timeout: 4000, interval: 100 }).toBe(true);
    expect(logText(log.error)).toContain('[ERR_IPC_SLOW_CONSUMER]');
  });

  it('a page that reads keeps its connection through bursts larger than the limit', async () => {
    const { server, main } = await start({ maxBufferedBytes: 256 * 1024 });
    const renderer = connectNode(server);
    const contents = main.webContents.fromId(await connected(renderer))!;
    let received = 0;
    renderer.on('burst', () => received++);
    const piece = 'x'.repeat(16 * 1024);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 48; i++) contents.send('burst', piece); // 768 KiB in one task: three times the limit
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect.poll(() => received, { timeout: 5000 }).toBe(480);
    expect(contents.isDestroyed()).toBe(false);
  });

  it('refuses a negative or non-numeric maxBufferedBytes', async () => {
    await expect(start({ maxBufferedBytes: -1 })).rejects.toMatchObject({ code: 'ERR_IPC_INVALID_ARGUMENT' });
  });
});

describe('hostile frames', () => {
  it('a text frame closes that connection with a logged reason', async () => {
    const { server, log } = await start();
    const created = nextContents(server);
    const client = await rawClient(server);
    const contents = await created;
    client.socket.send('hello');
    const { code, reason } = await client.closed;
    expect(code).toBe(1008);
    expect(reason).toContain('ERR_IPC_PROTOCOL');
    expect(log.error[0]?.message).toBe(
      `ipc-anywhere: closing WebContents #${contents.id}: [ERR_IPC_PROTOCOL] Received a text frame; only binary frames are valid.`,
    );
    expect(log.error[0]?.fields).toMatchObject({ code: 'ERR_IPC_PROTOCOL', webContentsId: contents.id });
  });
});

describe('heartbeat', () => {
  it('drops a client that stops answering pings', async () => {
    const { server } = await start({ heartbeatInterval: 30 });
    const created = nextContents(server);
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    const socket = new WebSocket(url, [SUBPROTOCOL, `key.${'D'.repeat(43)}`], { autoPong: false });
    const contents = await created;
    await new Promise((resolve) => contents.once('destroyed', resolve));
    socket.terminate();
  });

  it('answers a zero-length keepalive ping at once, passes nothing to main, and counts it as proof of life', async () => {
    const { server, log } = await start({ heartbeatInterval: 40 });
    const created = nextContents(server);
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    // Never answers the server's pings: only its own keepalive pings show it is there.
    const socket = new WebSocket(url, [SUBPROTOCOL, `key.${'K'.repeat(43)}`], { autoPong: false });
    cleanup.push(() => socket.terminate());
    const answers: number[] = [];
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary && data.byteLength === 0) answers.push(Date.now());
    });
    const contents = await created;
    await new Promise((resolve) => socket.once('open', resolve));
    // Bounded: 10 pings, 20 ms apart, across five heartbeat intervals.
    for (let i = 0; i < 10; i++) {
      socket.send(new Uint8Array(0));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect.poll(() => answers.length).toBe(10);
    expect(contents.isDestroyed()).toBe(false);
    expect(log.error).toEqual([]);
    // Once it falls silent, the heartbeat drops it as before.
    await new Promise((resolve) => contents.once('destroyed', resolve));
  });
});

describe('static files', () => {
  it('serves files with their content type, index.html for directories, and HEAD', async () => {
    const { server } = await start();
    const page = await fetch(`${server.url}/page.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('/ipc-anywhere/renderer.js');
    const head = await fetch(`${server.url}/page.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/missing.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/page.html`, { method: 'POST' })).status).toBe(404);
  });

  it('never serves anything outside the directory', async () => {
    const { server } = await start();
    const port = (server.httpServer.address() as AddressInfo).port;
    for (const path of [
      '/../server.test.ts',
      '/..%2fserver.test.ts',
      '/%2e%2e/server.test.ts',
      '/%2e%2e%2fserver.test.ts',
      '/..%5cserver.test.ts',
      '/%00page.html',
      '/page.html%00',
      '//etc/passwd',
      '/.hidden',
    ]) {
      // Raw request so that no client normalizes the path first.
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect([path, status]).toEqual([path, 404]);
    }
  });
});

describe('attach', () => {
  it('adds the endpoints to an existing server without taking over its routes or upgrades', async () => {
    const { logger, log } = recordingLogger();
    const main: Main = createMain({ logger });
    const http = createHttpServer((_req, res) => res.end('app route'));
    const otherUpgrades: string[] = [];
    http.on('upgrade', (req, socket) => {
      if (req.url?.startsWith('/hmr')) {
        otherUpgrades.push(req.url);
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const server = attach(http, { main });
    cleanup.push(() => server.close());
    expect(server.url).toBe(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);

    expect(await (await fetch(`${server.url}/anything`)).text()).toBe('app route');
    expect((await fetch(`${server.url}/ipc-anywhere/renderer.js`)).status).toBe(200);

    main.ipcMain.handle('add', (_event, a, b) => a + b);
    const renderer = connectNode(server);
    expect(await renderer.invoke('add', 2, 3)).toBe(5);

    await new Promise<void>((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/hmr`);
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
    expect(otherUpgrades).toEqual(['/hmr']);

    await server.close();
    expect(await (await fetch(`${server.url}/ipc-anywhere/renderer.js`)).text()).toBe('app route');
    expect(log.error).toEqual([]);
  });
});
