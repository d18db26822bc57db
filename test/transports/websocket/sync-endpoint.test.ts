import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer } from '../../../src/main.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../../src/protocol/messages.js';
import {
  createConnectionKey,
  encodeSyncBody,
  SYNC_PATH,
  SyncHeader,
} from '../../../src/transports/websocket/wire.js';
import { logText, recordingLogger } from '../../conformance/harness.js';
import { type RawClient, rawClient } from './raw-client.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: { maxPayload?: number; syncReplyTimeout?: number } = {}) {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger, syncReplyTimeout: options.syncReplyTimeout ?? 60_000 });
  const server = await createServer({ main, ...(options.maxPayload && { maxPayload: options.maxPayload }) });
  cleanup.push(() => server.close());
  return { main, server, log };
}

async function client(
  server: IpcServer,
  options: { origin?: string; key?: string } = {},
): Promise<RawClient> {
  const raw = await rawClient(server, options);
  cleanup.push(() => raw.socket.terminate());
  await raw.nextFrame(); // hello
  return raw;
}

function frame(...messages: RendererToMainMessage[]): Uint8Array {
  return encodeFrame(messages.map((message) => encodeMessage(message)));
}

function sendSync(seq: number, channel: string, ...args: unknown[]): Uint8Array {
  return frame({ kind: MessageKind.SendSync, seq, id: seq, channel, args });
}

function send(seq: number, channel: string, ...args: unknown[]): Uint8Array {
  return frame({ kind: MessageKind.Send, seq, channel, args });
}

async function post(
  server: IpcServer,
  frames: Uint8Array[],
  headers: Record<string, string>,
): Promise<{ status: number; body: Uint8Array }> {
  const res = await fetch(`${server.url}${SYNC_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body: encodeSyncBody(frames),
  });
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
}

function replyValue(body: Uint8Array): unknown {
  const [reply] = decodeFrame(body, 'renderer', DEFAULT_LIMITS);
  if (reply?.kind !== MessageKind.SyncReply) throw new Error(`not a sync reply: ${reply?.kind}`);
  return reply.value;
}

describe('sync endpoint', () => {
  it('answers a request carrying the connection key with main’s reply frame', async () => {
    const { server, main } = await start();
    main.ipcMain.on('double', (event, n) => {
      event.returnValue = n * 2;
    });
    const raw = await client(server);
    const { status, body } = await post(server, [sendSync(1, 'double', 21)], { [SyncHeader.key]: raw.key });
    expect(status).toBe(200);
    expect(replyValue(body)).toBe(42);
  });

  it('refuses a wrong, malformed or missing key with 403 and dispatches nothing', async () => {
    const { server, main, log } = await start();
    let calls = 0;
    main.ipcMain.on('secret', (event) => {
      calls++;
      event.returnValue = 'leaked';
    });
    const raw = await client(server);
    for (const key of [
      createConnectionKey(),
      `${raw.key.slice(0, -1)}${raw.key.endsWith('A') ? 'B' : 'A'}`,
      'short',
      '',
    ]) {
      const headers: Record<string, string> = key ? { [SyncHeader.key]: key } : {};
      expect((await post(server, [sendSync(1, 'secret')], headers)).status).toBe(403);
    }
    expect(calls).toBe(0);
    expect(log.warn.filter((line) => line.message.includes('refused a sendSync request'))).toHaveLength(4);
    // The real connection was not disturbed: its first message is still expected.
    const { status, body } = await post(server, [sendSync(1, 'secret')], { [SyncHeader.key]: raw.key });
    expect([status, replyValue(body), calls]).toEqual([200, 'leaked', 1]);
  });

  it('refuses a request whose Origin is not the connection’s', async () => {
    const { server, main } = await start();
    let calls = 0;
    main.ipcMain.on('x', (event) => {
      calls++;
      event.returnValue = 1;
    });
    const own = server.url;
    const raw = await client(server, { origin: own });
    const other = own.replace('127.0.0.1', 'localhost');
    expect(
      (await post(server, [sendSync(1, 'x')], { [SyncHeader.key]: raw.key, origin: other })).status,
    ).toBe(403);
    expect(
      (await post(server, [sendSync(1, 'x')], { [SyncHeader.key]: raw.key, origin: 'http://evil.example' }))
        .status,
    ).toBe(403);
    expect((await post(server, [sendSync(1, 'x')], { [SyncHeader.key]: raw.key })).status).toBe(403);
    expect(calls).toBe(0);
    expect((await post(server, [sendSync(1, 'x')], { [SyncHeader.key]: raw.key, origin: own })).status).toBe(
      200,
    );
  });

  it('answers 504 when main has not replied by the deadline the request carries; the connection goes on', async () => {
    const { server, main } = await start();
    const events: { returnValue: unknown }[] = [];
    main.ipcMain.on('slow', (event) => {
      events.push(event);
    });
    main.ipcMain.on('fast', (event) => {
      event.returnValue = 'fast';
    });
    const raw = await client(server);
    const started = Date.now();
    const { status } = await post(server, [sendSync(1, 'slow')], {
      [SyncHeader.key]: raw.key,
      [SyncHeader.timeout]: '100',
    });
    expect(status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    events[0]!.returnValue = 'too late'; // ignored
    const next = await post(server, [sendSync(2, 'fast')], { [SyncHeader.key]: raw.key });
    expect(replyValue(next.body)).toBe('fast');
  });

  it('answers 410 when the connection closes while the request waits', async () => {
    const { server, main } = await start();
    main.ipcMain.on('hang', (event) => {
      setTimeout(() => event.sender.close(), 30);
    });
    const raw = await client(server);
    expect((await post(server, [sendSync(1, 'hang')], { [SyncHeader.key]: raw.key })).status).toBe(410);
  });

  it('orders a sync request after async messages still in flight on the socket', async () => {
    const { server, main } = await start();
    const order: string[] = [];
    main.ipcMain.on('async', (_event, n) => order.push(`async ${n}`));
    main.ipcMain.on('sync', (event, n) => {
      order.push(`sync ${n}`);
      event.returnValue = n;
    });
    const raw = await client(server);
    const reply = post(server, [sendSync(3, 'sync', 3)], { [SyncHeader.key]: raw.key });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(order).toEqual([]);
    raw.socket.send(send(1, 'async', 1));
    raw.socket.send(send(2, 'async', 2));
    expect((await reply).status).toBe(200);
    expect(order).toEqual(['async 1', 'async 2', 'sync 3']);
  });

  it('lets a request sent before its socket opened wait for it, frames queued before it first', async () => {
    const { server, main } = await start();
    const order: string[] = [];
    main.ipcMain.on('async', (_event, n) => order.push(`async ${n}`));
    main.ipcMain.on('sync', (event, n) => {
      order.push(`sync ${n}`);
      event.returnValue = n;
    });
    const key = createConnectionKey();
    const reply = post(server, [send(1, 'async', 1), send(2, 'async', 2), sendSync(3, 'sync', 3)], {
      [SyncHeader.key]: key,
      [SyncHeader.beforeOpen]: '1',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const raw = await client(server, { key });
    expect((await reply).status).toBe(200);
    expect(order).toEqual(['async 1', 'async 2', 'sync 3']);
    raw.socket.send(send(4, 'async', 4));
    await expect.poll(() => order.length).toBe(4);
  });

  it('closes the connection, with a logged reason, for a malformed body with a valid key', async () => {
    const { server, log } = await start();
    const raw = await client(server);
    const res = await fetch(`${server.url}${SYNC_PATH}`, {
      method: 'POST',
      headers: { [SyncHeader.key]: raw.key },
      body: new Uint8Array([0, 0, 0, 9, 1, 2]),
    });
    expect(res.status).toBe(400);
    expect((await raw.closed).code).toBe(1008);
    expect(logText(log.error)).toContain('Malformed sync request body');
  });

  it('refuses a body over the limit with 413', async () => {
    const { server } = await start({ maxPayload: 1024 });
    const raw = await client(server);
    const { status } = await post(server, [new Uint8Array(5000)], { [SyncHeader.key]: raw.key });
    expect(status).toBe(413);
  });

  it('answers CORS preflights for allowed origins only, and only POSTs otherwise', async () => {
    const { server } = await start();
    const preflight = (origin: string) =>
      fetch(`${server.url}${SYNC_PATH}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight(server.url.replace('127.0.0.1', 'localhost'));
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      server.url.replace('127.0.0.1', 'localhost'),
    );
    expect(allowed.headers.get('access-control-allow-headers')).toContain(SyncHeader.key);
    expect((await preflight('http://evil.example')).status).toBe(403);
    expect((await fetch(`${server.url}${SYNC_PATH}`)).status).toBe(405);
  });

  it('refuses a second request on a key with one in flight with 409, before reading its body (row 5)', async () => {
    const { server, main, log } = await start();
    const held: { returnValue: unknown }[] = [];
    main.ipcMain.on('hold', (event) => {
      held.push(event);
    });
    main.ipcMain.on('echo', (event, value) => {
      event.returnValue = value;
    });
    const raw = await client(server);
    const first = post(server, [sendSync(1, 'hold')], { [SyncHeader.key]: raw.key });
    await expect.poll(() => held.length).toBe(1);
    // A second request announcing a 100 MiB body, of which not a byte is ever sent: it is answered at
    // once, so the server cannot have been waiting for (or buffering) the body.
    const second = await headersOnly(server, raw.key, 100 * 1024 * 1024);
    expect(second.status).toBe(409);
    expect(second.text).toContain('already in flight');
    expect(logText(log.warn)).toContain('(409)');
    // The first one is unaffected, and once it is answered the connection's next request goes through.
    held[0]!.returnValue = 'first';
    const answered = await first;
    expect([answered.status, replyValue(answered.body)]).toEqual([200, 'first']);
    const next = await post(server, [sendSync(2, 'echo', 'next')], { [SyncHeader.key]: raw.key });
    expect([next.status, replyValue(next.body)]).toEqual([200, 'next']);
  });

  it('frees the key when a request times out or its page goes away, so the page can go on', async () => {
    const { server, main } = await start();
    main.ipcMain.on('never', () => {});
    main.ipcMain.on('echo', (event, value) => {
      event.returnValue = value;
    });
    const raw = await client(server);
    const timedOut = await post(server, [sendSync(1, 'never')], {
      [SyncHeader.key]: raw.key,
      [SyncHeader.timeout]: '50',
    });
    expect(timedOut.status).toBe(504);
    const abort = new AbortController();
    const abandoned = fetch(`${server.url}${SYNC_PATH}`, {
      method: 'POST',
      headers: { [SyncHeader.key]: raw.key },
      body: encodeSyncBody([sendSync(2, 'never')]),
      signal: abort.signal,
    }).catch((error) => error.name);
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort();
    expect(await abandoned).toBe('AbortError');
    await expect
      .poll(async () => (await post(server, [sendSync(3, 'echo', 3)], { [SyncHeader.key]: raw.key })).status)
      .toBe(200);
  });

  it('reads no more than one message from a connection whose socket is open (413 without reading it)', async () => {
    const { server } = await start({ maxPayload: 1024 });
    const raw = await client(server);
    // Two frames of 600 bytes fit the old "two messages" bound, but an open socket queues nothing.
    const { status } = await post(server, [new Uint8Array(600), new Uint8Array(600)], {
      [SyncHeader.key]: raw.key,
    });
    expect(status).toBe(413);
    const announced = await headersOnly(server, raw.key, 2000);
    expect(announced.status).toBe(413);
  });

  it('made-up keys waiting "before open" do not lock out a real page’s start-up sendSync (row 6)', async () => {
    const { server, main } = await start();
    main.ipcMain.on('startup', (event, value) => {
      event.returnValue = `started ${value}`;
    });
    const own = server.url;
    // 64 strangers without Origin and 64 claiming the page's own origin, each with a fresh key.
    const strangers: Promise<number>[] = [];
    for (let i = 0; i < 128; i++) {
      strangers.push(
        post(server, [sendSync(1, 'startup', i)], {
          [SyncHeader.key]: createConnectionKey(),
          [SyncHeader.beforeOpen]: '1',
          ...(i % 2 === 0 && { origin: own }),
        }).then((res) => res.status),
      );
    }
    const waiting = () =>
      (server.transport as unknown as { sync: { waitingCount: number } }).sync.waitingCount;
    await expect.poll(waiting).toBe(64); // 32 per origin: the older ones gave way
    // The real page: its sync request first, its socket a moment later.
    const key = createConnectionKey();
    const reply = post(server, [sendSync(1, 'startup', 'page')], {
      [SyncHeader.key]: key,
      [SyncHeader.beforeOpen]: '1',
      origin: own,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(waiting()).toBe(64);
    await client(server, { key, origin: own });
    const { status, body } = await reply;
    expect([status, replyValue(body)]).toEqual([200, 'started page']);
    // Those that gave way were answered at once (not after the 10 s join timeout), with 403.
    const settled = await Promise.race([
      Promise.all(strangers.slice(0, 64)),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000)),
    ]);
    expect(settled).not.toBe('still waiting');
    expect(new Set(settled as number[])).toEqual(new Set([403]));
  });

  it('a second "before open" request on a key already waiting is refused with 409', async () => {
    const { server, main } = await start();
    main.ipcMain.on('startup', (event) => {
      event.returnValue = 'ok';
    });
    const key = createConnectionKey();
    const headers = { [SyncHeader.key]: key, [SyncHeader.beforeOpen]: '1' };
    const first = post(server, [sendSync(1, 'startup')], headers);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await post(server, [sendSync(1, 'startup')], headers)).status).toBe(409);
    await client(server, { key });
    expect((await first).status).toBe(200);
  });

  it('a "before open" request abandoned by its page stops waiting, and a retry on the key waits in its place', async () => {
    const { server, main } = await start();
    main.ipcMain.on('startup', (event) => {
      event.returnValue = 'ok';
    });
    const waiting = () =>
      (server.transport as unknown as { sync: { waitingCount: number } }).sync.waitingCount;
    const key = createConnectionKey();
    const headers = { [SyncHeader.key]: key, [SyncHeader.beforeOpen]: '1' };
    const abort = new AbortController();
    const abandoned = fetch(`${server.url}${SYNC_PATH}`, {
      method: 'POST',
      headers,
      body: encodeSyncBody([sendSync(1, 'startup')]),
      signal: abort.signal,
    }).catch((error) => error.name);
    await expect.poll(waiting).toBe(1);
    abort.abort();
    expect(await abandoned).toBe('AbortError');
    await expect.poll(waiting).toBe(0);
    const retry = post(server, [sendSync(1, 'startup')], headers);
    await expect.poll(waiting).toBe(1);
    await client(server, { key });
    expect((await retry).status).toBe(200);
  });
});
/**
 * A sync request that announces `length` bytes of body and sends none of them: resolves with the
 * server's answer, which can only come before the body.
 */
function headersOnly(
  server: IpcServer,
  key: string,
  length: number,
): Promise<{ status: number; text: string }> {
  const port = (server.httpServer.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: SYNC_PATH,
        method: 'POST',
        headers: { [SyncHeader.key]: key, 'content-length': String(length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.flushHeaders();
  });
}
