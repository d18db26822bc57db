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
import { recordingLogger } from '../../conformance/harness.js';
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
    expect(
      log.warn.flat().filter((line) => String(line).includes('refused a sendSync request')),
    ).toHaveLength(4);
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
    expect(log.error.flat().join('\n')).toContain('Malformed sync request body');
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
});
