/**
 * Reproductions of what the chaos test found (seed 2130953432 among others): a page's sync request
 * that reaches main twice ends the page's session (ERR_IPC_PROTOCOL, close 1008). Chromium sends a
 * POST again by itself, on a new connection, when the keep-alive connection it reused dies before the
 * answer's headers (here: the proxy cut it), so main can get the same sync request (same seq) twice.
 * These tests send the two requests by hand, as Chromium does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer } from '../../src/main.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../src/protocol/messages.js';
import {
  createConnectionKey,
  encodeSyncBody,
  KEY_PROTOCOL_PREFIX,
  RESUMABLE_PROTOCOL,
  SUBPROTOCOL,
  SYNC_PATH,
  SyncHeader,
} from '../../src/transports/websocket/wire.js';
import { logText, recordingLogger } from '../conformance/harness.js';
import { type RawClient, rawClient } from '../transports/websocket/raw-client.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start() {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger });
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  return { main, server, log };
}

/** A page's connection as the classic script opens it: resumable. */
async function page(server: IpcServer): Promise<RawClient> {
  const key = createConnectionKey();
  const raw = await rawClient(server, {
    origin: server.url,
    key,
    protocols: [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key, RESUMABLE_PROTOCOL],
  });
  cleanup.push(() => raw.socket.terminate());
  await raw.nextFrame(); // hello
  return raw;
}

const frame = (message: RendererToMainMessage) => encodeFrame([encodeMessage(message)]);

/** Posts a sync body; `abortAfterMs` drops the request without waiting for its answer (a cut). */
async function post(
  server: IpcServer,
  key: string,
  body: Uint8Array<ArrayBuffer>,
  options: { timeoutMs?: number; abortAfterMs?: number } = {},
): Promise<{ status: number; value?: unknown } | 'aborted'> {
  const abort = new AbortController();
  if (options.abortAfterMs !== undefined) setTimeout(() => abort.abort(), options.abortAfterMs);
  try {
    const res = await fetch(`${server.url}${SYNC_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        origin: server.url,
        [SyncHeader.key]: key,
        [SyncHeader.timeout]: String(options.timeoutMs ?? 2000),
      },
      body,
      signal: abort.signal,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) return { status: res.status };
    const [reply] = decodeFrame(bytes, 'renderer', DEFAULT_LIMITS);
    return { status: res.status, value: (reply as { value?: unknown }).value };
  } catch (error) {
    if (abort.signal.aborted) return 'aborted';
    throw error;
  }
}

describe('a sync request that reaches main twice (an HTTP client resending it after a cut)', () => {
  it('an early request (async messages still in flight) sent again does not end the session', async () => {
    const { main, server, log } = await start();
    let runs = 0;
    main.ipcMain.on('sync', (event) => {
      runs += 1;
      event.returnValue = 'answer';
    });
    main.ipcMain.on('note', () => {});
    const raw = await page(server);
    // Message 1 (a send) is still on its way over the socket when sync request 2 arrives: main holds
    // the request until 1 is in. The HTTP connection carrying it is cut; the client sends it again.
    const body = encodeSyncBody([
      frame({ kind: MessageKind.SendSync, seq: 2, id: 2, channel: 'sync', args: [] }),
    ]);
    expect(await post(server, raw.key, body, { abortAfterMs: 50 })).toBe('aborted');
    const again = post(server, raw.key, body);
    await sleep(50);
    raw.socket.send(frame({ kind: MessageKind.Send, seq: 1, channel: 'note', args: [] }));
    const closed = await Promise.race([raw.closed, sleep(300).then(() => 'open')]);
    expect({ closed, errors: log.error.map((entry) => logText([entry])) }).toEqual({
      closed: 'open',
      errors: [],
    });
    expect(await again).toEqual({ status: 200, value: 'answer' });
    expect(runs).toBe(1);
  });

  it('a request main already answered, sent again, gets its answer and does not end the session', async () => {
    const { main, server, log } = await start();
    let runs = 0;
    main.ipcMain.on('sync', (event) => {
      runs += 1;
      event.returnValue = 'answer';
    });
    const raw = await page(server);
    const body = encodeSyncBody([
      frame({ kind: MessageKind.SendSync, seq: 1, id: 1, channel: 'sync', args: [] }),
    ]);
    expect(await post(server, raw.key, body)).toEqual({ status: 200, value: 'answer' });
    // The answer was lost with the connection: the client sends the same request again.
    const again = await post(server, raw.key, body, { timeoutMs: 500 });
    const closed = await Promise.race([raw.closed, sleep(100).then(() => 'open')]);
    expect({ again, closed, errors: log.error.map((entry) => logText([entry])) }).toEqual({
      again: { status: 200, value: 'answer' },
      closed: 'open',
      errors: [],
    });
    expect(runs).toBe(1);
  });
});
