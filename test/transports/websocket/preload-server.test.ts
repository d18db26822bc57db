import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_RUNTIME_KEY } from '../../../src/api/page-runtime.js';
import { attach, createMain, createServer, type IpcServer } from '../../../src/main.js';
import { wrapPreload } from '../../../src/transports/websocket/client-script.js';
import { insertPrelude } from '../../../src/transports/websocket/static-files.js';
import { recordingLogger } from '../../conformance/harness.js';
import { FIXTURES } from './browser.js';

const CLASSIC = join(FIXTURES, 'preload-classic');
const PRELOAD = join(CLASSIC, 'preload.js');
const TAGS =
  '<script src="/ipc-anywhere/renderer.js"></script><script src="/ipc-anywhere/preload/0/preload.js"></script>';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: Parameters<typeof createServer>[0] = {}) {
  const { logger, log } = recordingLogger();
  const server = await createServer({
    static: CLASSIC,
    preload: PRELOAD,
    ...options,
    main: createMain({ logger }),
  });
  cleanup.push(() => server.close());
  return { server, log };
}

function fetchFrom(
  server: IpcServer | string,
  path: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(path, typeof server === 'string' ? server : server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? 'GET',
        headers: options.host ? { host: options.host } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const tags = (nonce: string | undefined) => `[tags${nonce === undefined ? '' : ` ${nonce}`}]`;
const inserted = (page: string) => insertPrelude(Buffer.from(page, 'latin1'), tags).toString('latin1');

describe('insertPrelude: where the preload tags go in a page', () => {
  it.each([
    [
      'after <head>',
      '<!doctype html><html><head><title>t</title></head></html>',
      '<!doctype html><html><head>[tags]<title>t</title></head></html>',
    ],
    [
      'after <head> with attributes',
      '<HEAD lang="en"><script>1</script>',
      '<HEAD lang="en">[tags]<script>1</script>',
    ],
    [
      'after <html> without a head',
      '<!doctype html><html lang="en"><body></body></html>',
      '<!doctype html><html lang="en">[tags]<body></body></html>',
    ],
    ['after the doctype alone', '<!DOCTYPE html><p>x</p>', '<!DOCTYPE html>[tags]<p>x</p>'],
    ['at the start of a fragment', '<p>x</p>', '[tags]<p>x</p>'],
    ['after a byte order mark', '\xEF\xBB\xBF<p>x</p>', '\xEF\xBB\xBF[tags]<p>x</p>'],
    [
      'before a script that comes before <head>',
      '<html><script src="a.js"></script><head></head>',
      '<html>[tags]<script src="a.js"></script><head></head>',
    ],
    [
      'not at a <header> element',
      '<html><body><header></header></body></html>',
      '<html>[tags]<body><header></header></body></html>',
    ],
    [
      'not inside comments',
      '<!-- <head> <script> --><html><head></head>',
      '<!-- <head> <script> --><html><head>[tags]</head>',
    ],
  ])('%s', (_what, page, expected) => {
    expect(inserted(page)).toBe(expected);
  });

  it("passes on the nonce of the page's scripts, so a nonce-based CSP admits the tags", () => {
    expect(inserted('<head><script nonce="r4nd0m+/=">1</script>')).toBe(
      '<head>[tags r4nd0m+/=]<script nonce="r4nd0m+/=">1</script>',
    );
  });

  it('keeps bytes that are not ASCII as they are', () => {
    const page = Buffer.from('<head><title>Zürich ✓</title>', 'utf8');
    expect(insertPrelude(page, tags).toString('utf8')).toBe('<head>[tags]<title>Zürich ✓</title>');
  });
});

describe('wrapPreload', () => {
  it('keeps line numbers: the wrapper opens on the first line and closes after the last', () => {
    const wrapped = wrapPreload('p.js', 'line1()\nline2() // trailing comment');
    const lines = wrapped.split('\n');
    expect(lines[0]).toMatch(
      /function\(require,process,exports,module,global,setImmediate,clearImmediate\)\{line1\(\)$/,
    );
    expect(lines[1]).toBe('line2() // trailing comment');
    expect(lines[2]).toBe('});');
    expect(wrapped).toContain('.runPreload("p.js",');
    // The server writes the key the classic script registers its runner under.
    expect(wrapped).toContain(`Symbol.for(${JSON.stringify(PAGE_RUNTIME_KEY)})`);
  });

  it('turns a shebang line into a comment, and is valid JavaScript', () => {
    const wrapped = wrapPreload('p.js', '#!/usr/bin/env node\nmodule.exports = 1;');
    expect(() => new Function(wrapped)).not.toThrow();
  });
});

describe('createServer({ preload })', () => {
  it('puts the classic script and the preloads at the start of every HTML page it serves', async () => {
    const { server } = await start({ preload: [PRELOAD, join(CLASSIC, 'app.js')] });
    const page = await fetchFrom(server, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<head><script src="/ipc-anywhere/renderer.js"></script><script src="/ipc-anywhere/preload/0/preload.js"></script><script src="/ipc-anywhere/preload/1/app.js"></script>\n    <meta charset="utf-8" />',
    );
    expect(page.headers['content-length']).toBe(String(Buffer.byteLength(page.text)));
    const head = await fetchFrom(server, '/index.html', { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(page.headers['content-length']);
    expect(head.text).toBe('');
    // Other files are served as they are.
    const script = await fetchFrom(server, '/app.js');
    expect(script.text.startsWith('// The page')).toBe(true);
  });

  it('serves each preload wrapped, read again for every request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-preload-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'my preload.js');
    writeFileSync(file, 'window.version = 1;');
    const { server } = await start({ preload: file });
    expect(server.preloadTags).toBe(
      '<script src="/ipc-anywhere/renderer.js"></script><script src="/ipc-anywhere/preload/0/my%20preload.js"></script>',
    );
    const first = await fetchFrom(server, '/ipc-anywhere/preload/0/my%20preload.js');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(first.text).toBe(wrapPreload('my preload.js', 'window.version = 1;'));
    writeFileSync(file, 'window.version = 2;');
    expect((await fetchFrom(server, '/ipc-anywhere/preload/0')).text).toContain('window.version = 2;');
    expect((await fetchFrom(server, '/ipc-anywhere/preload/1/other.js')).status).toBe(404);
    expect((await fetchFrom(server, '/ipc-anywhere/preload/x')).status).toBe(404);
    expect((await fetchFrom(server, '/ipc-anywhere/preload/0', { method: 'POST' })).status).toBe(405);
  });

  it('a preload that disappeared becomes a console error in the page, and a log line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-preload-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'gone.js');
    writeFileSync(file, '');
    const { server, log } = await start({ preload: file });
    rmSync(file);
    const served = await fetchFrom(server, '/ipc-anywhere/preload/0/gone.js');
    expect(served.text).toBe('console.error("Unable to load preload script: gone.js");');
    expect(log.error.map((args) => args.message)).toEqual([`ipc-anywhere: cannot read the preload ${file}`]);
    expect(log.error[0]?.fields.err).toMatchObject({ code: 'ENOENT' });
  });

  it('answers preload requests only for allowed hosts (DNS rebinding)', async () => {
    const { server } = await start();
    expect(
      (await fetchFrom(server, '/ipc-anywhere/preload/0/preload.js', { host: 'evil.example' })).status,
    ).toBe(403);
  });

  it('without preload, pages are served as they are and there are no preload paths', async () => {
    const { server } = await start({ preload: undefined });
    expect((await fetchFrom(server, '/')).text).not.toContain('/ipc-anywhere/');
    expect((await fetchFrom(server, '/ipc-anywhere/preload/0/preload.js')).status).toBe(404);
    expect(server.preloadTags).toBe('');
  });

  it.each([
    ['a missing file', '/no/such/preload.js', 'preload', 'does not exist'],
    ['a directory', FIXTURES, 'preload', 'expected a file'],
    ['a number', 7, 'preload', 'expected the path of a file or a list of them'],
    ['a list with a missing file', [PRELOAD, '/no/such.js'], 'preload[1]', 'does not exist'],
  ])('refuses %s, naming the option', async (_what, preload, name, words) => {
    const failure = createServer({ main: createMain(), preload: preload as never });
    await expect(failure).rejects.toThrow(expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }));
    await expect(failure).rejects.toThrow(name);
    await expect(failure).rejects.toThrow(words);
  });

  it('under attach(), the app adds server.preloadTags to the pages it renders itself', async () => {
    const http = createHttpServer((_req, res) => res.end(`<html><head>${ipc.preloadTags}</head></html>`));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const ipc = attach(http, { main: createMain(), preload: PRELOAD });
    cleanup.push(() => ipc.close());
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    expect((await fetchFrom(url, '/app-page')).text).toBe(`<html><head>${TAGS}</head></html>`);
    expect((await fetchFrom(url, '/ipc-anywhere/preload/0/preload.js')).text).toContain(
      "require('electron')",
    );
  });
});
