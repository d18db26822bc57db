import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attachTransport, IpcRenderer } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { addRenderer, attach, createMain, createServer } from '../../../src/main.js';
import { createMemoryLink } from '../../../src/transports/memory/memory-transport.js';
import { type Inspected, startInspected } from './inspected-server.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request; for the event stream, the body up to the end of its first event. */
function fetchRaw(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (
          res.headers['content-type']?.startsWith('text/event-stream') &&
          body.includes('\n\n', body.indexOf('event: hello'))
        ) {
          res.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${path} did not answer within 10 s`)));
    req.end();
  });
}

let inspected: Inspected | undefined;
afterEach(async () => {
  await inspected?.close();
  inspected = undefined;
});

describe('the inspector over http', () => {
  it('serves the page, its script and stylesheet under a strict CSP', async () => {
    inspected = await startInspected();
    const page = await fetchRaw(inspected.url, '/ipc-anywhere/inspect');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('src="/ipc-anywhere/inspect/inspector.js"');
    // Nothing inline, nothing from elsewhere.
    expect(page.body).not.toMatch(/<script>|<style|style=|https?:\/\//);
    const script = await fetchRaw(inspected.url, '/ipc-anywhere/inspect/inspector.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain("new EventSource('/ipc-anywhere/inspect/events')");
    expect(script.body).not.toContain('innerHTML');
    const css = await fetchRaw(inspected.url, '/ipc-anywhere/inspect/inspector.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await fetchRaw(inspected.url, '/ipc-anywhere/inspect/nothing')).status).toBe(404);
    expect((await fetchRaw(inspected.url, '/ipc-anywhere/inspect', {}, 'POST')).status).toBe(405);
  });

  it('streams renderers and traffic as Server-Sent Events', async () => {
    inspected = await startInspected();
    const { main } = inspected;
    main.ipcMain.handle('echo', (_event, value) => value);
    const link = createMemoryLink();
    const ipcRenderer = new IpcRenderer();
    const contents = addRenderer(main, link.main, {
      type: 'window',
      url: 'memory://x/',
      origin: 'memory://x',
    });
    attachTransport(ipcRenderer, link.renderer);
    expect(await ipcRenderer.invoke('echo', { secret: 'shown' })).toEqual({ secret: 'shown' });
    const events = await fetchRaw(inspected.url, '/ipc-anywhere/inspect/events');
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const hello = JSON.parse(/event: hello\ndata: (.*)\n/.exec(events.body)![1]!);
    expect(hello.snapshot.renderers).toMatchObject([
      { id: contents.id, url: 'memory://x/', state: 'connected' },
    ]);
    expect(hello.entries.map((e: { kind: string; preview: string }) => [e.kind, e.preview])).toEqual([
      ['invoke', '[{"secret": "shown"}]'],
      ['invokeReply', '[{"secret": "shown"}]'],
    ]);
  });

  it('refuses a Host it does not serve (DNS rebinding) and a foreign Origin', async () => {
    inspected = await startInspected();
    for (const path of ['/ipc-anywhere/inspect', '/ipc-anywhere/inspect/events']) {
      expect((await fetchRaw(inspected.url, path, { host: 'attacker.example' })).status).toBe(403);
      expect((await fetchRaw(inspected.url, path, { origin: 'http://attacker.example' })).status).toBe(403);
    }
    const own = await fetchRaw(inspected.url, '/ipc-anywhere/inspect/events', { origin: inspected.url });
    expect(own.status).toBe(200);
    const warnings = inspected.log.warn.map((args) => args.message);
    expect(
      warnings.filter((text) => text.includes('inspector request from origin http://attacker.example')),
    ).toHaveLength(1);
  });

  it("serves under attach() beside the app's own routes, and is gone after close()", async () => {
    const app = createHttpServer((_req, res) => res.writeHead(200).end('app route'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const server = attach(app, { main: createMain(), inspector: true });
    try {
      expect((await fetchRaw(base, '/ipc-anywhere/inspect')).status).toBe(200);
      expect((await fetchRaw(base, '/ipc-anywhere/inspect/events')).status).toBe(200);
      expect((await fetchRaw(base, '/elsewhere')).body).toBe('app route');
      await server.close();
      expect((await fetchRaw(base, '/ipc-anywhere/inspect')).body).toBe('app route');
    } finally {
      await new Promise<void>((resolve) => {
        app.close(() => resolve());
        app.closeAllConnections();
      });
    }
  });

  it('refuses an inspector option that is not a boolean', async () => {
    await expect(createServer({ inspector: 'yes' as never })).rejects.toMatchObject({
      code: 'ERR_IPC_INVALID_ARGUMENT',
    });
  });

  it('is off unless asked for', async () => {
    const server = await createServer();
    try {
      expect((await fetchRaw(server.url, '/ipc-anywhere/inspect')).status).toBe(404);
      expect((await fetchRaw(server.url, '/ipc-anywhere/inspect/events')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
