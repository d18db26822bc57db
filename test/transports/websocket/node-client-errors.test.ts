import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createMain, createServer } from '../../../src/main.js';
import { IpcErrorCode, isIpcError } from '../../../src/protocol/errors.js';
import type { IpcRenderer } from '../../../src/renderer.js';
import { connect, createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { recordingLogger } from '../../conformance/harness.js';

/*
 * What a Node renderer says when it cannot connect (issue #19): the URL and the cause, in the
 * ERR_IPC_CLOSED error its calls reject with. Before, every case read "closed (code 1006)".
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => http.close(resolve)));
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

/** The error an invoke on a fresh renderer for `url` rejects with. */
async function failure(url: string, options: { origin?: string } = {}): Promise<Error> {
  const renderer: IpcRenderer = createIpcRenderer({ url, ...options });
  cleanup.push(() => disconnect(renderer));
  const error = await renderer.invoke('anything').then(
    () => {
      throw new Error('the invoke succeeded');
    },
    (caught: unknown) => caught as Error,
  );
  expect(isIpcError(error, IpcErrorCode.Closed)).toBe(true);
  return error;
}

describe('Node client errors name the URL and the cause', () => {
  it('nothing listens: ECONNREFUSED and the socket URL', async () => {
    const http = createHttpServer();
    const url = await listen(http);
    await new Promise((resolve) => http.close(resolve));
    const { message } = await failure(url);
    expect(message).toContain(`could not connect to ${url.replace('http', 'ws')}/ipc-anywhere/ws`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('href=');
  });

  it('origin refused: HTTP 403 and what to change', async () => {
    const { logger } = recordingLogger();
    const server = await createServer({ main: createMain({ logger }) });
    cleanup.push(() => server.close());
    const { message } = await failure(server.url, { origin: 'https://elsewhere.example' });
    expect(message).toContain(
      `${server.url.replace('http', 'ws')}/ipc-anywhere/ws refused the WebSocket upgrade`,
    );
    expect(message).toContain('HTTP 403 Origin not allowed');
    expect(message).toContain("origin 'https://elsewhere.example' is not in the server's allowedOrigins");
  });

  it('a ws server that answers every other path: HTTP 400 and the likely reason', async () => {
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http, path: '/only-mine' });
    cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
    const url = await listen(http);
    const { message } = await failure(url);
    expect(message).toContain('HTTP 400 Bad Request');
    expect(message).toContain("not ipc-anywhere's answer");
  });

  it('a proxy that drops the upgrade: HTTP 426 from the server, and why', async () => {
    // The proxy: forwards every request to the ipc-anywhere server as plain HTTP, without Upgrade.
    const { logger } = recordingLogger();
    const server = await createServer({ main: createMain({ logger }) });
    cleanup.push(() => server.close());
    const proxy = createHttpServer(async (req, res) => {
      const answer = await fetch(`${server.url}${req.url}`);
      res.writeHead(answer.status, answer.statusText).end(await answer.text());
    });
    const url = await listen(proxy);
    const { message } = await failure(url);
    expect(message).toContain('HTTP 426 Upgrade Required');
    expect(message).toContain('does not forward WebSocket upgrades');
  });

  it('no ipc-anywhere server there: the HTTP status an app answered', async () => {
    const http = createHttpServer((_req, res) => res.writeHead(404).end('no such page'));
    const url = await listen(http);
    const { message } = await failure(url);
    expect(message).toContain('HTTP 404 Not Found');
    expect(message).toContain('nothing serves that path');
  });
});

describe('a Node client and what main sends', () => {
  it('a text frame is a protocol violation: the connection ends and says so', async () => {
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http, handleProtocols: (offered) => [...offered][0]! });
    wss.on('connection', (socket) => socket.send('not a frame of ours'));
    cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
    const url = await listen(http);
    const renderer: IpcRenderer = createIpcRenderer({ url, reconnect: false });
    cleanup.push(() => disconnect(renderer));
    const error = await renderer.invoke('anything').then(
      () => new Error('the invoke succeeded'),
      (caught: unknown) => caught as Error,
    );
    expect(isIpcError(error)).toBe(true);
    expect(`${error.message} ${String((error as { cause?: unknown }).cause)}`).toContain(
      'Main sent a text frame; only binary frames are valid.',
    );
  });
});

describe('connect() arguments and calls before connect()', () => {
  it.each([
    ['no argument', undefined],
    ['no url', {}],
    ['an empty url', { url: '' }],
    ['a url that is not a string', { url: 8080 }],
  ])('%s: ERR_IPC_INVALID_ARGUMENT naming url, before anything opens', (_what, options) => {
    for (const call of [() => connect(options as never), () => createIpcRenderer(options as never)]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isIpcError(caught, IpcErrorCode.InvalidArgument)).toBe(true);
      expect((caught as Error).message).toMatch(/url|URL/);
    }
  });

  it('the module’s ipcRenderer refuses calls until connect(), then works', async () => {
    const { ipcRenderer } = await import('../../../src/renderer.node.js');
    const expectNotConnected = (caught: unknown) => {
      expect(isIpcError(caught, IpcErrorCode.NotConnected)).toBe(true);
      expect((caught as Error).message).toContain('call connect({ url }) first');
    };
    for (const call of [
      () => ipcRenderer.send('x'),
      () => ipcRenderer.sendSync('x'),
      () => ipcRenderer.sendTo(1, 'x'),
      () => ipcRenderer.postMessage('x', 1),
    ]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expectNotConnected(caught);
    }
    expectNotConnected(await ipcRenderer.invoke('x').catch((error: unknown) => error));
    expectNotConnected(
      await ipcRenderer
        .withOptions({ timeout: 100 })
        .invoke('x')
        .catch((error: unknown) => error),
    );

    const main = createMain({ logger: recordingLogger().logger });
    main.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    expect(connect({ url: server.url })).toBe(ipcRenderer);
    cleanup.push(() => disconnect());
    expect(await ipcRenderer.invoke('add', 1, 2)).toBe(3);
  });
});
