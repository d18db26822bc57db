import type { WebSocket } from 'ws';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  MainTransport,
  MainTransportEvents,
  SyncResponder,
  TransportCapabilities,
} from '../transport.js';
import { CloseCode } from './wire.js';

const capabilities: TransportCapabilities = Object.freeze({ sync: true, transfer: false });

/** How long a send backlog over `maxBufferedBytes` may take to drain before the page counts as slow. */
const SLOW_CONSUMER_GRACE_MS = 2000;
/** A backlog over this many times `maxBufferedBytes` closes the page at once. */
const SLOW_CONSUMER_HARD_FACTOR = 4;

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const MAX_REASON_BYTES = 123;

/**
 * Main's end of one page's WebSocket. Binary frames go to main in order; a text frame or a frame over
 * `maxPayload` is a violation that closes only this connection, with the reason logged by main. Sync
 * requests arrive through {@link deliverSync} from the sync endpoint, authenticated by `key`.
 */
export class SocketMainTransport implements MainTransport {
  get capabilities(): TransportCapabilities {
    return capabilities;
  }
  private events: MainTransportEvents | undefined;
  /** Frames that arrived before `start` (rare: created on demand, like the other lists here). */
  private early: Uint8Array[] | undefined;
  private closed = false;
  /** Set by the heartbeat: cleared on each ping, set again by the pong. */
  alive = true;
  private goneListeners: Set<() => void> | undefined;
  /** What the renderer accepts, when its handshake said (see {@link MainTransport.peerMaxPayload}). */
  peerMaxPayload: number | undefined = undefined;
  /** Pending while the send backlog is over the limit (see {@link send}). */
  private drainCheck: ReturnType<typeof setTimeout> | undefined;

  /*
   * Memory per idle connection matters (a server holds thousands): the socket's listeners are shared
   * module-level functions that find their transport through the socket, nothing per connection is
   * allocated before it is needed, and the server's bookkeeping is one shared callback (`onGone`).
   */
  constructor(
    readonly socket: WebSocket,
    readonly key: string,
    /** The verified `Origin` header of the upgrade, or `undefined` for a non-browser client. */
    readonly origin: string | undefined,
    readonly maxPayload: number,
    /** Bytes that may wait in the socket's send buffer before the page counts as a slow consumer. */
    readonly maxBufferedBytes: number,
    /** Called once when the connection is gone, before any {@link whenGone} listener. */
    private readonly onGone?: (transport: SocketMainTransport) => void,
  ) {
    transports.set(socket, this);
    socket.on('message', onSocketMessage);
    socket.on('pong', onSocketPong);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /** @internal A frame arrived on the socket. */
  received(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) {
      this.violation(
        new IpcError(IpcErrorCode.Protocol, 'Received a text frame; only binary frames are valid.'),
      );
      return;
    }
    // A plain Uint8Array view over ws's Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (this.events) this.events.frame(frame);
    else (this.early ??= []).push(frame);
  }

  /** @internal The socket failed. */
  failed(error: Error & { code?: string }): void {
    const tooBig = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    this.violation(
      new IpcError(
        tooBig ? IpcErrorCode.LimitExceeded : IpcErrorCode.Protocol,
        tooBig
          ? `A frame exceeded the limit of ${this.maxPayload} bytes (${error.message}).`
          : `WebSocket error: ${error.message}`,
      ),
    );
  }

  /** @internal The socket closed (either side). */
  socketClosedWith(code: number, reason: Buffer): void {
    const text = reason.toString();
    this.gone(
      new IpcError(IpcErrorCode.Closed, `The page's socket closed (code ${code}${text ? `: ${text}` : ''}).`),
    );
  }

  start(events: MainTransportEvents): void {
    this.events = events;
    const early = this.early;
    this.early = undefined;
    for (const frame of early ?? []) {
      if (this.closed) return;
      events.frame(frame);
    }
  }

  send(frame: Uint8Array): void {
    const socket = this.socket;
    if (this.closed || socket.readyState !== socket.OPEN) return;
    // A page that stops reading would make main buffer without bound. A backlog over the limit may be
    // a burst that a reading page takes in a moment: it gets SLOW_CONSUMER_GRACE_MS to drain, unless
    // it grows past SLOW_CONSUMER_HARD_FACTOR times the limit first.
    if (socket.bufferedAmount > SLOW_CONSUMER_HARD_FACTOR * this.maxBufferedBytes) {
      this.slowConsumer();
      return;
    }
    socket.send(frame, { binary: true });
    if (socket.bufferedAmount > this.maxBufferedBytes && this.drainCheck === undefined) {
      this.drainCheck = setTimeout(() => {
        this.drainCheck = undefined;
        if (this.socket.bufferedAmount > this.maxBufferedBytes) this.slowConsumer();
      }, SLOW_CONSUMER_GRACE_MS);
      this.drainCheck.unref?.();
    }
  }

  private slowConsumer(): void {
    this.violation(
      new IpcError(
        IpcErrorCode.SlowConsumer,
        `The page is not reading: ${this.socket.bufferedAmount} bytes are waiting to be sent (limit ${this.maxBufferedBytes}, the server's maxBufferedBytes).`,
      ),
    );
  }

  close(reason: IpcError): void {
    if (this.closed) return;
    if (reason.code === IpcErrorCode.SlowConsumer) {
      // It does not read: a close handshake would keep the socket and its backlog for 30 s.
      this.socket.terminate();
      this.gone(reason);
      return;
    }
    const code =
      reason.code === IpcErrorCode.Closed
        ? CloseCode.normal
        : reason.code === IpcErrorCode.LimitExceeded || reason.code === IpcErrorCode.PayloadTooLarge
          ? CloseCode.tooBig
          : CloseCode.policy;
    this.socket.close(code, truncateUtf8(`${reason.code}: ${reason.message}`, MAX_REASON_BYTES));
    this.gone(reason);
  }

  /** Resolves when the socket is closed (either side). */
  get socketClosed(): Promise<void> {
    const socket = this.socket;
    if (socket.readyState === socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Says goodbye (code 1001) as the server shuts down. */
  shutdown(reason: IpcError): void {
    if (!this.closed) this.socket.close(CloseCode.goingAway, 'Server closing');
    this.gone(reason);
  }

  /** Drops the connection at once (heartbeat timeout). */
  terminate(reason: IpcError): void {
    this.socket.terminate();
    this.gone(reason);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Calls `listener` once when the connection is gone, whoever ended it (at once if it already is).
   * Returns a function that removes the listener.
   */
  whenGone(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    const listeners = (this.goneListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Hands main the frames of one sync request: the async frames queued before it first, then the
   * request itself with the responder that answers the HTTP request.
   */
  deliverSync(frames: readonly Uint8Array[], respond: SyncResponder): void {
    const events = this.events;
    if (this.closed || !events) return;
    const last = frames.length - 1;
    for (let i = 0; i < last && !this.closed; i++) events.frame(frames[i]!);
    if (!this.closed) events.frame(frames[last]!, respond);
  }

  /** The peer broke a rule: main logs it and closes this connection (through {@link close}). */
  violation(reason: IpcError): void {
    if (this.closed) return;
    if (this.events) this.events.reject(reason);
    else this.close(reason);
  }

  private gone(reason: IpcError): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainCheck !== undefined) clearTimeout(this.drainCheck);
    this.early = undefined;
    this.onGone?.(this);
    const listeners = this.goneListeners;
    this.goneListeners = undefined;
    for (const listener of listeners ?? []) listener();
    this.events?.close(reason);
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).byteLength <= maxBytes) return text;
  let end = Math.min(text.length, maxBytes);
  while (end > 0 && encoder.encode(`${text.slice(0, end)}…`).byteLength > maxBytes) end--;
  return `${text.slice(0, end)}…`;
}

/** The transport of each socket, for the shared listeners below (`this` is the socket). */
const transports = new WeakMap<WebSocket, SocketMainTransport>();

function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  transports.get(this)?.received(data, isBinary);
}

function onSocketPong(this: WebSocket): void {
  const transport = transports.get(this);
  if (transport) transport.alive = true;
}

function onSocketError(this: WebSocket, error: Error & { code?: string }): void {
  transports.get(this)?.failed(error);
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  transports.get(this)?.socketClosedWith(code, reason);
}
