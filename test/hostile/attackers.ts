import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  connect as netConnect,
  type Socket,
} from 'node:net';
import WebSocket from 'ws';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  SUBPROTOCOL,
  SYNC_PATH,
  SyncHeader,
  WS_PATH,
} from '../../dist/transports/websocket/wire.js';

/*
 * Clients that speak just enough of the transport to do what no honest renderer would. Everything
 * talks to 127.0.0.1 only (the child's url).
 */

/** The WebSocket endpoint of a server at `url`. */
export function socketUrl(url: string, href = 'test://hostile'): string {
  return `${url.replace(/^http/, 'ws')}${WS_PATH}?href=${encodeURIComponent(href)}`;
}

/** The subprotocols an honest client offers, with its connection key. */
export function honestProtocols(key: string = createConnectionKey()): string[] {
  return [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key];
}

/** A WebSocket that completed the handshake, driven by hand. */
export interface RawSocket {
  readonly socket: WebSocket;
  readonly key: string;
  /** Binary frames received so far (the first is main's hello). */
  readonly frames: Uint8Array[];
  /** Resolves with the close code and reason once the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Sends a frame and resolves once it is written (rejects when the socket is gone). */
  send(frame: Uint8Array): Promise<void>;
}

/** How a handshake ended: refused with an HTTP status, or open. */
export type Handshake = { readonly refused: number } | { readonly open: RawSocket };

/** Opens a WebSocket to the server with the given subprotocols (default: an honest offer). */
export function handshake(
  url: string,
  options: { protocols?: string[]; key?: string; origin?: string } = {},
): Promise<Handshake> {
  const key = options.key ?? createConnectionKey();
  const socket = new WebSocket(socketUrl(url), options.protocols ?? honestProtocols(key), {
    ...(options.origin !== undefined && { origin: options.origin }),
    perMessageDeflate: false,
  });
  const frames: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const raw: RawSocket = {
    socket,
    key,
    frames,
    closed,
    send: (frame) =>
      new Promise((resolve, reject) => socket.send(frame, (error) => (error ? reject(error) : resolve()))),
  };
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve({ refused: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('open', () => resolve({ open: raw }));
    socket.once('error', (error) => reject(error));
  });
}

/** Opens a WebSocket that must be accepted (main's hello received). */
export async function openRaw(url: string, options: { origin?: string } = {}): Promise<RawSocket> {
  const result = await handshake(url, options);
  if ('refused' in result) throw new Error(`handshake refused with HTTP ${result.refused}`);
  await waitFor(() => result.open.frames.length > 0, 2_000, 'no hello from main');
  return result.open;
}

/** Resolves once `condition()` holds; rejects after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles with the promise's outcome, or `'timeout'` after `ms`. */
export function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown } | 'timeout'> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    sleep(ms).then(() => 'timeout' as const),
  ]);
}

/**
 * A page that completes the WebSocket handshake and then stops reading: a plain TCP socket that
 * speaks the upgrade by hand and pauses, so whatever main sends piles up on main's side.
 */
export async function stalledPage(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = netConnect({ host: hostname, port: Number(port) });
  const path = new URL(socketUrl(url)).pathname + new URL(socketUrl(url)).search;
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${honestProtocols().join(', ')}`,
      '',
      '',
    ].join('\r\n'),
  );
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  return socket;
}

/** An HTTP response, body as text. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A GET to the server at `url` with the given headers (a `Host` header overrides the real one). */
export function httpGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** One sync request in flight, its body streamed by the caller. */
export interface SyncUpload {
  /** Resolves with the status once main answers (or 0 when the connection dropped without one). */
  readonly status: Promise<number>;
  /** Writes the body in chunks, stopping early once main has answered or dropped the request. */
  upload(body: Uint8Array, chunkBytes: number): Promise<void>;
  abort(): void;
}

/** Starts `POST /ipc-anywhere/sync` for connection `key` with a declared body length (no Origin). */
export function startSyncRequest(
  url: string,
  key: string,
  options: { contentLength?: number; beforeOpen?: boolean; timeoutMs?: number } = {},
): SyncUpload {
  const { hostname, port } = new URL(url);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    [SyncHeader.key]: key,
    [SyncHeader.timeout]: String(options.timeoutMs ?? 5_000),
  };
  if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
  if (options.beforeOpen) headers[SyncHeader.beforeOpen] = '1';
  const req = httpRequest({ host: hostname, port: Number(port), path: SYNC_PATH, method: 'POST', headers });
  let answered = false;
  const status = new Promise<number>((resolve) => {
    req.once('response', (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', () => {
      answered = true;
      resolve(0);
    });
    req.once('close', () => {
      answered = true;
      resolve(0);
    });
  });
  return {
    status,
    async upload(body, chunkBytes) {
      for (let at = 0; at < body.byteLength && !answered; at += chunkBytes) {
        const more = req.write(body.subarray(at, at + chunkBytes));
        if (!more) await Promise.race([new Promise((resolve) => req.once('drain', resolve)), status]);
      }
      if (!answered) req.end();
    },
    abort: () => req.destroy(),
  };
}

/** A loopback TCP proxy in front of a server, whose link can go silent. */
export interface SilenceableProxy {
  /** The proxy's `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** From now on nothing is forwarded in either direction, and nothing is closed: a dead link. */
  goSilent(): void;
  close(): Promise<void>;
}

/** Starts a proxy to the server at `url`. */
export async function silenceableProxy(url: string): Promise<SilenceableProxy> {
  const { hostname, port } = new URL(url);
  let silent = false;
  const sockets = new Set<Socket>();
  const server = createNetServer((downstream) => {
    const upstream = netConnect({ host: hostname, port: Number(port) });
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    downstream.on('data', (chunk) => silent || upstream.write(chunk));
    upstream.on('data', (chunk) => silent || downstream.write(chunk));
    downstream.on('end', () => silent || upstream.end());
    upstream.on('end', () => silent || downstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    goSilent: () => {
      silent = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
