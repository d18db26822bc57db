import { createServer as createHttpServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attach, createMain, createServer, type IpcServer } from '../../../src/main.js';
import { HostCheck, isLoopbackAddress } from '../../../src/transports/websocket/host-check.js';
import { recordingLogger } from '../../conformance/harness.js';
import { FIXTURES } from './browser.js';
import { rawClient } from './raw-client.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: Parameters<typeof createServer>[0] = {}) {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger });
  const server = await createServer({ static: FIXTURES, ...options, main });
  cleanup.push(() => server.close());
  return { server, log };
}

/** GET with a chosen `Host` header (fetch would not let us set it). */
function get(server: IpcServer, path: string, host: string): Promise<{ status: number; text: string }> {
  const port = (server.httpServer.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    })
      .on('error', reject)
      .end();
  });
}

describe('Host check on a loopback server (DNS rebinding, issue #12 row 11)', () => {
  it('refuses static files and the classic script for a name it does not serve, with 403 and a clear text', async () => {
    const { server } = await start();
    const port = (server.httpServer.address() as AddressInfo).port;
    for (const host of [
      `attacker.example:${port}`,
      'attacker.example',
      `127.0.0.1.attacker.example:${port}`,
    ]) {
      const page = await get(server, '/page.html', host);
      expect([host, page.status]).toEqual([host, 403]);
      expect(page.text).toContain('allowedHosts');
      expect((await get(server, '/ipc-anywhere/renderer.js', host)).status).toBe(403);
    }
  });

  it('serves loopback names, IP addresses and *.localhost, with or without the port', async () => {
    const { server } = await start();
    const port = (server.httpServer.address() as AddressInfo).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      `app.localhost:${port}`,
      'localhost',
      '127.0.0.1',
    ]) {
      expect([host, (await get(server, '/page.html', host)).status]).toEqual([host, 200]);
    }
  });

  it('serves the names listed in allowedHosts, and any name with allowedHosts: true', async () => {
    const listed = (await start({ allowedHosts: ['app.example.com'] })).server;
    expect((await get(listed, '/page.html', 'app.example.com')).status).toBe(200);
    expect((await get(listed, '/page.html', 'APP.example.com.:8443')).status).toBe(200);
    expect((await get(listed, '/page.html', 'other.example.com')).status).toBe(403);
    const any = (await start({ allowedHosts: true })).server;
    expect((await get(any, '/page.html', 'attacker.example')).status).toBe(200);
  });

  it('serves the host it was told to listen on', async () => {
    const { server } = await start({ host: 'localhost' });
    expect((await get(server, '/page.html', 'localhost')).status).toBe(200);
    expect((await get(server, '/page.html', 'attacker.example')).status).toBe(403);
  });

  it('logs each refused name once, however many requests ask for it', async () => {
    const { server, log } = await start();
    for (let i = 0; i < 20; i++) await get(server, '/page.html', 'attacker.example');
    await get(server, '/page.html', 'other.example');
    const lines = log.warn.filter((line) => line.message.includes('refused requests for Host'));
    expect(lines).toHaveLength(2);
    expect(lines[0]!.message).toContain("'attacker.example'");
    expect(lines[0]!.fields).toMatchObject({ code: 'ERR_IPC_REFUSED', host: 'attacker.example' });
  });

  it('leaves the WebSocket and sync endpoints to the Origin check (a rebinding page fails that)', async () => {
    const { server } = await start();
    // A non-browser client may send any Host; the Host check would not stop it, the key and Origin do.
    const client = await rawClient(server);
    cleanup.push(() => client.socket.terminate());
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    const rebinding = await rawClient(server, { origin: 'http://attacker.example:80' }).catch(
      (error: Error) => error.message,
    );
    expect(rebinding).toContain('403');
  });

  it('under attach(), a refused name falls through to the app’s own routes instead of our files', async () => {
    const { logger } = recordingLogger();
    const http = createHttpServer((_req, res) => res.end('app route'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const server = attach(http, { main: createMain({ logger }), static: FIXTURES });
    cleanup.push(() => server.close());
    expect((await get(server, '/page.html', 'attacker.example')).text).toBe('app route');
    expect((await get(server, '/page.html', 'localhost')).text).toContain('/ipc-anywhere/renderer.js');
  });
});

describe('HostCheck', () => {
  const logger = { warn: () => {}, error: () => {} };
  const bound = (address: string) => () => ({ address, family: 'IPv4', port: 8080 });

  it('checks only a loopback-bound server unless names are listed', () => {
    expect(new HostCheck(undefined, bound('127.0.0.1'), logger).allows('evil.example')).toBe(false);
    expect(new HostCheck(undefined, bound('::1'), logger).allows('evil.example')).toBe(false);
    // Bound to every interface: the names it is reached by are not known, so none is refused...
    expect(new HostCheck(undefined, bound('0.0.0.0'), logger).allows('evil.example')).toBe(true);
    // ...unless the application lists them.
    const listed = new HostCheck(['app.example'], bound('0.0.0.0'), logger);
    expect([listed.allows('app.example:8080'), listed.allows('evil.example')]).toEqual([true, false]);
  });

  it('lets requests without Host through (not a browser), and refuses malformed ones', () => {
    const check = new HostCheck(undefined, bound('127.0.0.1'), logger);
    expect(check.allows(undefined)).toBe(true);
    expect(check.allows('a b')).toBe(false);
    expect(check.allows('user@localhost')).toBe(false);
    expect(check.allows('[::1')).toBe(false);
  });

  it('matches a bare IPv6 address in allowedHosts against the bracketed Host header', () => {
    const check = new HostCheck(['fd00::5'], bound('127.0.0.1'), logger);
    expect(check.allows('[fd00::5]:8080')).toBe(true);
  });

  it('refuses allowedHosts that are not host names', () => {
    for (const bad of ['https://app.example', 'app.example/path', '', 42, 'app.example'] as const) {
      const value = bad === 'app.example' ? bad : [bad];
      expect(() => new HostCheck(value as never, bound('127.0.0.1'), logger)).toThrow(
        expect.objectContaining({
          code: 'ERR_IPC_INVALID_ARGUMENT',
          message: expect.stringContaining('allowedHosts'),
        }),
      );
    }
  });

  it('knows loopback interface addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1'].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
