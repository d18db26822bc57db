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

/**
 * Requests that arrived before their socket may wait for it, a few per origin and a bounded number in
 * all (each holds an open HTTP request, and the key is chosen by the client: anyone can make one up).
 * When a bound is reached the OLDEST waiter of that origin (or of all) gives way to the new request:
 * an honest page's socket follows its request within milliseconds, so a flood of made-up keys would
 * have to outpace that to displace it, where refusing newcomers would let 32 requests every 10 s lock
 * an origin out.
 */
const MAX_WAITING_PER_ORIGIN = 32;
/** At least eight origins' worth (the default allow-list has four, plus clients without `Origin`). */
const MAX_WAITING = 256;

/** How often a flood of refused concurrent requests may write to the log. */
const BUSY_LOG_INTERVAL_MS = 10_000;
/**
 * How long a sync request on a key with one in flight waits for that one to end before it is refused
 * (409): a client resending after a cut connection may be ahead of that connection's close.
 */
const RESEND_GRACE_MS = 100;

interface Waiter {
  readonly resolve: (transport: SocketMainTransport | undefined) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly origin: string;
}

/**
 * `POST /ipc-anywhere/sync`: the blocking half of `sendSync` for pages. The request names its connection
 * by the key given at the WebSocket handshake; an unknown key or a foreign origin gets 403 and nothing
 * is dispatched. The body's frames go to main in order; the HTTP response is the reply frame, or 504
 * when main did not answer within the deadline the request carried, or 410 when the connection closed.
 *
 * A page blocked in `sendSync` cannot send another request, so each connection has at most one in
 * flight: a second one on the same key gets 409 before a byte of its body is read. Bodies are read
 * only up to what the connection may send (one message, or two messages' worth of frames queued before
 * its socket opened).
 */
export class SyncEndpoint {
  /** Keys with a request in flight: waiting for its socket, being read, or waiting for main. */
  private readonly busy = new Map<string, (() => void)[]>();
  /** Requests waiting for their socket, oldest first. */
  private readonly waiting = new Map<string, Waiter>();
  /** The keys in `waiting` per origin, oldest first. */
  private readonly waitingByOrigin = new Map<string, Set<string>>();
  private busyRefused = 0;
  private busyLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: SyncEndpointOptions,
    private readonly origins: OriginPolicy,
    private readonly lookup: (key: string) => SocketMainTransport | undefined,
    private readonly logger: Logger,
  ) {}

  /** A socket with `key` joined: a request that was waiting for it proceeds. */
  joined(key: string, transport: SocketMainTransport): void {
    this.stopWaiting(key)?.resolve(transport);
  }

  /** Ends every waiting request (server shutdown). */
  close(): void {
    for (const key of [...this.waiting.keys()]) this.stopWaiting(key)?.resolve(undefined);
  }

  /** How many requests wait for their socket (for tests and diagnostics). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const allowed = this.origins.allows(origin);
    if (origin !== undefined && allowed) {
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
    if (!allowed) {
      this.refuse(res, `origin ${origin ?? '(none)'} is not allowed`);
      return;
    }
    const key = req.headers[SyncHeader.key];
    if (!isConnectionKey(key)) {
      this.refuse(res, 'missing or malformed connection key');
      return;
    }
    // The request in flight may be one its client gave up an instant ago (a cut connection, and this is
    // the resend): its close can come a few milliseconds after the resend. Wait that long for it.
    if (this.busy.has(key)) await this.endOf(key, RESEND_GRACE_MS);
    // Still busy, or another request that waited took the key first.
    if (this.busy.has(key)) {
      this.refuseBusy(res);
      return;
    }
    this.busy.set(key, []);
    // Whatever happens next, the key is free again once this request is over (answered or abandoned).
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const waiting = this.busy.get(key);
      this.busy.delete(key);
      for (const wake of waiting ?? []) wake();
    };
    res.once('close', () => {
      // Abandoned while waiting for its socket: the waiter goes too (a retry may wait in its place).
      if (!released) this.stopWaiting(key)?.resolve(undefined);
      release();
    });
    try {
      await this.serve(req, res, key, origin, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    origin: string | undefined,
    release: () => void,
  ): Promise<void> {
    const beforeOpen = req.headers[SyncHeader.beforeOpen] === '1';
    // Authenticate before reading the body: an unknown key must not make the server buffer anything.
    let transport = this.lookup(key);
    if (!transport && beforeOpen) transport = await this.waitForSocket(key, origin ?? '(none)');
    if (!transport) {
      release();
      this.refuse(res, 'unknown connection key');
      return;
    }
    if (transport.origin !== origin) {
      release();
      this.refuse(res, `origin ${origin ?? '(none)'} does not match the connection's`);
      return;
    }
    // An open socket means nothing was queued: the body is the sync message alone.
    const frameLimit = frameLimitFor(transport.maxPayload);
    const carriesMore = beforeOpen || req.headers[SyncHeader.resend] === '1';
    const body = await readBody(req, carriesMore ? 2 * (4 + frameLimit) : 4 + frameLimit);
    if (body === 'too-large') {
      release();
      end(res, SyncStatus.tooLarge, 'The sync request is larger than the server accepts.', {
        connection: 'close',
      });
      return;
    }
    if (body === 'aborted') {
      release();
      return;
    }
    if (transport.isClosed) {
      release();
      end(res, SyncStatus.gone, 'The connection is closed.');
      return;
    }
    const frames = decodeSyncBody(body, frameLimit);
    if (!frames) {
      release();
      transport.violation(new IpcError(IpcErrorCode.Protocol, 'Malformed sync request body.'));
      end(res, SyncStatus.badRequest, 'Malformed sync request body.');
      return;
    }
    this.dispatch(
      transport,
      frames,
      parseTimeout(req.headers[SyncHeader.timeout], this.options.maxSyncTimeout),
      res,
      release,
    );
  }

  private dispatch(
    transport: SocketMainTransport,
    frames: Uint8Array[],
    timeoutMs: number,
    res: ServerResponse,
    release: () => void,
  ): void {
    let settled = false;
    let stopWatching = (): void => {};
    const settle = (status: number, body: Uint8Array | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      res.off('close', onAbort);
      // Free before the answer leaves: the page may send its next request the moment it has it.
      release();
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
      release();
      clearTimeout(timer);
      stopWatching();
    };
    res.once('close', onAbort);
    stopWatching = transport.whenGone(() =>
      settle(SyncStatus.gone, 'The connection closed before main answered.'),
    );
    if (!settled) transport.deliverSync(frames, (reply) => settle(SyncStatus.ok, reply));
  }

  /** Waits (briefly) for the socket with `key`; `undefined` when it does not come or gave way. */
  private waitForSocket(key: string, origin: string): Promise<SocketMainTransport | undefined> {
    const keys = this.waitingByOrigin.get(origin);
    if (keys && keys.size >= MAX_WAITING_PER_ORIGIN) {
      this.giveWay(keys.values().next().value!, `more than ${MAX_WAITING_PER_ORIGIN} from origin ${origin}`);
    }
    if (this.waiting.size >= MAX_WAITING) {
      this.giveWay(this.waiting.keys().next().value!, `more than ${MAX_WAITING} in all`);
    }
    return new Promise((resolve) => {
      const timer: ReturnType<typeof setTimeout> = setTimeout(() => {
        if (this.waiting.get(key)?.timer === timer) this.stopWaiting(key);
        resolve(undefined);
      }, this.options.joinTimeout);
      this.waiting.set(key, { resolve, timer, origin });
      const ofOrigin = this.waitingByOrigin.get(origin) ?? new Set();
      ofOrigin.add(key);
      this.waitingByOrigin.set(origin, ofOrigin);
    });
  }

  /** The oldest waiter makes room for a newer one (logged: it may be a page whose socket is late). */
  private giveWay(key: string, why: string): void {
    const waiter = this.stopWaiting(key);
    if (!waiter) return;
    this.logger.warn(
      { code: IpcErrorCode.LimitExceeded },
      `ipc-anywhere: a sendSync request waiting for its socket gave way to a newer one (${why} were waiting).`,
    );
    waiter.resolve(undefined);
  }

  private stopWaiting(key: string): Waiter | undefined {
    const waiter = this.waiting.get(key);
    if (!waiter) return undefined;
    clearTimeout(waiter.timer);
    this.waiting.delete(key);
    const ofOrigin = this.waitingByOrigin.get(waiter.origin);
    ofOrigin?.delete(key);
    if (ofOrigin?.size === 0) this.waitingByOrigin.delete(waiter.origin);
    return waiter;
  }

  private preflight(origin: string | undefined, res: ServerResponse): void {
    if (origin === undefined || !this.origins.allows(origin)) {
      end(res, SyncStatus.forbidden, 'Origin not allowed.');
      return;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': `content-type, ${SyncHeader.key}, ${SyncHeader.timeout}, ${SyncHeader.beforeOpen}, ${SyncHeader.resend}`,
      'access-control-max-age': '600',
    });
    res.end();
  }

  /** Resolves when the request in flight on `key` is over, or after `ms`. */
  private endOf(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        // Not woken, so the request in flight still holds `key` with this waiter in its list.
        const waiting = this.busy.get(key)!;
        waiting.splice(waiting.indexOf(wake), 1);
        resolve();
      }, ms);
      this.busy.get(key)!.push(wake);
    });
  }

  /**
   * A second request on a key with one in flight: no honest page sends one (it is blocked in the first),
   * so it is refused before its body is read, and the connection it came on is closed rather than
   * drained. Logged at most every few seconds: a flood must not flood the log.
   */
  private refuseBusy(res: ServerResponse): void {
    this.busyRefused++;
    const now = Date.now();
    if (now - this.busyLoggedAt >= BUSY_LOG_INTERVAL_MS) {
      this.busyLoggedAt = now;
      this.logger.warn(
        { code: IpcErrorCode.Refused, refused: this.busyRefused },
        `ipc-anywhere: refused ${this.busyRefused} sendSync request(s) sent while another one of the same connection was in flight (409); nothing was dispatched.`,
      );
      this.busyRefused = 0;
    }
    end(res, SyncStatus.busy, 'Refused: a sendSync request of this connection is already in flight.', {
      connection: 'close',
    });
  }

  private refuse(res: ServerResponse, why: string): void {
    this.logger.warn(
      { code: IpcErrorCode.Refused },
      `ipc-anywhere: refused a sendSync request: ${why}; nothing was dispatched.`,
    );
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

/** The request body, at most `limit` bytes; a larger or abandoned one keeps nothing in memory. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      resolve('too-large');
      return;
    }
    // With a declared length (browsers always send one) the body is copied into one buffer as it
    // arrives, instead of holding every chunk and then a concatenated copy: half the peak memory. The
    // buffer is made when the first byte arrives (a request that announces a body and sends nothing
    // costs nothing), and its pages are only touched as bytes fill them.
    const sized = Number.isSafeInteger(declared) && declared >= 0;
    let body: Buffer | undefined;
    let chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Uint8Array | 'too-large' | 'aborted'): void => {
      body = undefined;
      chunks = [];
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      if (sized && !body) body = Buffer.allocUnsafe(declared);
      if (size + chunk.byteLength > (body ? body.byteLength : limit)) {
        finish('too-large');
        return;
      }
      if (body) chunk.copy(body, size);
      else chunks.push(chunk);
      size += chunk.byteLength;
    };
    req.on('data', onData);
    req.on('end', () => {
      const whole = body ? body.subarray(0, size) : sized ? Buffer.alloc(0) : Buffer.concat(chunks);
      finish(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength));
    });
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish('aborted')); // after 'end' this is a no-op: the promise has settled
  });
}
