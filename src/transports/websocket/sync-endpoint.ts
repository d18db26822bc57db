import type { IncomingMessage, ServerResponse } from 'node:http';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../transport.js';
import type { OriginPolicy } from './origin-policy.js';
import type { SocketMainTransport } from './socket-main-transport.js';
import { decodeSyncBody, frameLimitFor, isConnectionKey, SyncHeader, SyncStatus } from './wire.js';

export interface SyncEndpointOptions {
  /** Longest a sync request may wait for main, whatever the page asks for (ms). */
  readonly maxSyncTimeout: number;
  /** Longest a request sent before its socket opened waits for that socket to arrive (ms). */
  readonly joinTimeout: number;
  /** Message limit; a body may also carry the frames queued before the socket opened. */
  readonly maxPayload: number;
}

/** Requests that arrived before their socket, across all connections (bounded: hostile input). */
const MAX_WAITING_FOR_SOCKET = 64;

interface Waiter {
  readonly resolve: (transport: SocketMainTransport | undefined) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * `POST /ipc-anywhere/sync`: the blocking half of `sendSync` for pages. The request names its connection
 * by the key given at the WebSocket handshake; an unknown key or a foreign origin gets 403 and nothing
 * is dispatched. The body's frames go to main in order; the HTTP response is the reply frame, or 504
 * when main did not answer within the deadline the request carried, or 410 when the connection closed.
 */
export class SyncEndpoint {
  private readonly waiting = new Map<string, Waiter[]>();
  private waitingCount = 0;

  constructor(
    private readonly options: SyncEndpointOptions,
    private readonly origins: OriginPolicy,
    private readonly lookup: (key: string) => SocketMainTransport | undefined,
    private readonly logger: Logger,
  ) {}

  /** A socket with `key` joined: requests that were waiting for it proceed. */
  joined(key: string, transport: SocketMainTransport): void {
    const waiters = this.waiting.get(key);
    if (!waiters) return;
    this.waiting.delete(key);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      this.waitingCount--;
      waiter.resolve(transport);
    }
  }

  /** Ends every waiting request (server shutdown). */
  close(): void {
    for (const waiters of this.waiting.values()) {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve(undefined);
      }
    }
    this.waiting.clear();
    this.waitingCount = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && this.origins.allows(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      this.preflight(origin, res);
      return;
    }
    if (req.method !== 'POST') {
      end(res, 405, 'sendSync requests are POSTs.', { allow: 'POST, OPTIONS' });
      return;
    }
    if (!this.origins.allows(origin)) {
      this.refuse(res, `origin ${origin ?? '(none)'} is not allowed`);
      return;
    }
    const key = req.headers[SyncHeader.key];
    if (!isConnectionKey(key)) {
      this.refuse(res, 'missing or malformed connection key');
      return;
    }
    // Authenticate before reading the body: an unknown key must not make the server buffer anything.
    let transport = this.lookup(key);
    if (!transport && req.headers[SyncHeader.beforeOpen] === '1') transport = await this.waitForSocket(key);
    if (!transport) {
      this.refuse(res, 'unknown connection key');
      return;
    }
    const body = await readBody(req, 2 * frameLimitFor(this.options.maxPayload) + 64);
    if (body === 'too-large') {
      end(res, SyncStatus.tooLarge, 'The sync request is larger than the server accepts.');
      return;
    }
    if (body === 'aborted') return;
    if (transport.origin !== origin) {
      this.refuse(res, `origin ${origin ?? '(none)'} does not match the connection's`);
      return;
    }
    if (transport.isClosed) {
      end(res, SyncStatus.gone, 'The connection is closed.');
      return;
    }
    const frames = decodeSyncBody(body, frameLimitFor(transport.maxPayload));
    if (!frames) {
      transport.violation(new IpcError(IpcErrorCode.Protocol, 'Malformed sync request body.'));
      end(res, SyncStatus.badRequest, 'Malformed sync request body.');
      return;
    }
    this.dispatch(
      transport,
      frames,
      parseTimeout(req.headers[SyncHeader.timeout], this.options.maxSyncTimeout),
      res,
    );
  }

  private dispatch(
    transport: SocketMainTransport,
    frames: Uint8Array[],
    timeoutMs: number,
    res: ServerResponse,
  ): void {
    let settled = false;
    let stopWatching = (): void => {};
    const settle = (status: number, body: Uint8Array | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      res.off('close', onAbort);
      if (typeof body === 'string') end(res, status, body);
      else
        res
          .writeHead(status, {
            'content-type': 'application/octet-stream',
            'content-length': body.byteLength,
          })
          .end(body);
    };
    const timer = setTimeout(
      () => settle(SyncStatus.timeout, `Main did not answer within ${timeoutMs} ms.`),
      timeoutMs,
    );
    // The page went away (navigation, crash): nobody is waiting for the answer any more.
    const onAbort = (): void => {
      settled = true;
      clearTimeout(timer);
      stopWatching();
    };
    res.once('close', onAbort);
    stopWatching = transport.whenGone(() =>
      settle(SyncStatus.gone, 'The connection closed before main answered.'),
    );
    if (!settled) transport.deliverSync(frames, (reply) => settle(SyncStatus.ok, reply));
  }

  private async waitForSocket(key: string): Promise<SocketMainTransport | undefined> {
    if (this.waitingCount >= MAX_WAITING_FOR_SOCKET) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const waiters = this.waiting.get(key);
        const index = waiters?.findIndex((waiter) => waiter.timer === timer) ?? -1;
        if (waiters && index >= 0) {
          waiters.splice(index, 1);
          if (waiters.length === 0) this.waiting.delete(key);
          this.waitingCount--;
        }
        resolve(undefined);
      }, this.options.joinTimeout);
      const waiters = this.waiting.get(key) ?? [];
      waiters.push({ resolve, timer });
      this.waiting.set(key, waiters);
      this.waitingCount++;
    });
  }

  private preflight(origin: string | undefined, res: ServerResponse): void {
    if (origin === undefined || !this.origins.allows(origin)) {
      end(res, SyncStatus.forbidden, 'Origin not allowed.');
      return;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': `content-type, ${SyncHeader.key}, ${SyncHeader.timeout}, ${SyncHeader.beforeOpen}`,
      'access-control-max-age': '600',
    });
    res.end();
  }

  private refuse(res: ServerResponse, why: string): void {
    this.logger.warn(`ipc-anywhere: refused a sendSync request: ${why}; nothing was dispatched.`);
    end(res, SyncStatus.forbidden, `Refused: ${why}.`);
  }
}

function end(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

function parseTimeout(header: string | string[] | undefined, max: number): number {
  const value = Number(header);
  if (Number.isNaN(value) || value < 0) return max;
  return Math.min(value, max);
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    });
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
    req.on('close', () => resolve('aborted')); // after 'end' this is a no-op: the promise has settled
  });
}
