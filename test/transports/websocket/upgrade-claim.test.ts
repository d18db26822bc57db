import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { attach, createMain, createServer, type IpcServer, type Main } from '../../../src/main.js';
import { IpcErrorCode } from '../../../src/protocol/errors.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { recordingLogger } from '../../conformance/harness.js';

/*
 * Other WebSocket servers on the same http server (issue #19): ws with `path` answers every other
 * path with 400 and ends the socket; ws without `path` takes every upgrade; Vite's HMR socket takes its
 * own protocol. ipc-anywhere claims its path, so IPC and the other server both work, whichever was
 * created first.
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function mainWithLog() {
  const { logger, log } = recordingLogger();
  const main: Main = createMain({ logger });
  main.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
  return { main, log };
}

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => http.close(resolve)));
  const address = http.address() as { port: number };
  return `127.0.0.1:${address.port}`;
}

/** An echo server made by the test, on `path` of `server` (or on every path). */
function echoServer(server: HttpServer, path?: string): WebSocketServer {
  const wss = new WebSocketServer({ server, ...(path !== undefined && { path }) });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${data}`)));
  cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
  return wss;
}

/** Opens a socket, sends `text`, resolves with the first message back. */
function echo(url: string, text: string, protocol?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = protocol === undefined ? new WebSocket(url) : new WebSocket(url, protocol);
    const timer = setTimeout(() => reject(new Error(`no answer from ${url}`)), 5000);
    socket.on('open', () => socket.send(text));
    socket.on('message', (data) => {
      clearTimeout(timer);
      resolve(String(data));
      socket.close();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function roundTrip(server: IpcServer): Promise<number> {
  const renderer = createIpcRenderer({ url: server.url, reconnect: false });
  cleanup.push(() => disconnect(renderer));
  return (await renderer.invoke('add', 2, 3)) as number;
}

describe('a ws WebSocketServer with path on the same http server', () => {
  it('created after createServer: IPC and the other server both work', async () => {
    const { main, log } = mainWithLog();
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    echoServer(server.httpServer, '/other');
    expect(await roundTrip(server)).toBe(5);
    expect(await echo(`${server.url.replace('http', 'ws')}/other`, 'hi')).toBe('echo hi');
    expect(log.warn).toEqual([]);
  });

  it('created before attach: IPC and the other server both work', async () => {
    const { main, log } = mainWithLog();
    const http = createHttpServer((_req, res) => res.end('app'));
    echoServer(http, '/other');
    const host = await listen(http);
    const server = attach(http, { main });
    cleanup.push(() => server.close());
    expect(await roundTrip(server)).toBe(5);
    expect(await echo(`ws://${host}/other`, 'hi')).toBe('echo hi');
    expect(log.warn).toEqual([]);
  });

  it('without path (it takes every upgrade): ours still reach ipc-anywhere alone', async () => {
    const { main, log } = mainWithLog();
    const http = createHttpServer();
    echoServer(http);
    const host = await listen(http);
    const server = attach(http, { main });
    cleanup.push(() => server.close());
    expect(await roundTrip(server)).toBe(5);
    expect(await echo(`ws://${host}/anything`, 'x')).toBe('echo x');
    expect(log.error).toEqual([]);
  });

  it('close() gives the server its emit back, and the other server keeps its upgrades', async () => {
    const { main } = mainWithLog();
    const http = createHttpServer();
    const host = await listen(http);
    const server = attach(http, { main });
    expect(Object.hasOwn(http, 'emit')).toBe(true);
    echoServer(http, '/other');
    await server.close();
    expect(Object.hasOwn(http, 'emit')).toBe(false);
    expect(http.listenerCount('upgrade')).toBe(1);
    expect(await echo(`ws://${host}/other`, 'after')).toBe('echo after');
  });

  it('when the claim is bypassed (emit replaced), the conflict is logged once with its code', async () => {
    const { main, log } = mainWithLog();
    const http = createHttpServer();
    echoServer(http, '/other');
    await listen(http);
    const server = attach(http, { main });
    cleanup.push(() => server.close());
    // Something replaced emit without calling the previous one: every listener sees every upgrade.
    http.emit = EventEmitter.prototype.emit as HttpServer['emit'];
    for (let attempt = 0; attempt < 2; attempt++) {
      const renderer = createIpcRenderer({ url: server.url, reconnect: false });
      cleanup.push(() => disconnect(renderer));
      await expect(renderer.invoke('add', 1, 1)).rejects.toMatchObject({ code: IpcErrorCode.Closed });
    }
    const conflicts = log.warn.filter((args) => args.message.includes(IpcErrorCode.UpgradeConflict));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.message).toContain('noServer');
    expect(conflicts[0]!.fields.code).toBe(IpcErrorCode.UpgradeConflict);
  });
});

describe('a request for the WebSocket path without its upgrade', () => {
  it('is answered 426, and a proxy that drops upgrades is named once in the log', async () => {
    const { main, log } = mainWithLog();
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${server.url}/ipc-anywhere/ws?href=x`);
      expect(response.status).toBe(426);
      expect(response.headers.get('upgrade')).toBe('websocket');
      await response.text();
    }
    const missing = log.warn.filter((args) => args.message.includes(IpcErrorCode.UpgradeMissing));
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain('proxy');
    expect(missing[0]!.fields.code).toBe(IpcErrorCode.UpgradeMissing);
    // Real upgrades are unaffected.
    expect(await roundTrip(server)).toBe(5);
  });
});

describe("Vite's HMR socket on the same http server", () => {
  it('a Vite dev server in middleware mode and IPC share the server', async () => {
    const { main, log } = mainWithLog();
    const root = mkdtempSync(join(tmpdir(), 'ipc-anywhere-vite-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const http = createHttpServer();
    const vite = await createViteServer({
      root,
      configFile: false,
      logLevel: 'silent',
      appType: 'custom',
      server: { middlewareMode: true, ws: { server: http } },
    });
    cleanup.push(() => vite.close());
    http.on('request', vite.middlewares);
    const host = await listen(http);
    const server = attach(http, { main });
    cleanup.push(() => server.close());

    expect(await roundTrip(server)).toBe(5);
    const hmr = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`ws://${host}/`, 'vite-hmr');
      const timer = setTimeout(() => reject(new Error('no message from Vite')), 5000);
      socket.on('message', (data) => {
        clearTimeout(timer);
        resolve(String(data));
        socket.close();
      });
      socket.on('error', reject);
    });
    expect(JSON.parse(hmr)).toMatchObject({ type: 'connected' });
    expect(log.warn).toEqual([]);
  });
});
