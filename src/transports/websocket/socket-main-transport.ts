import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  MainTransport,
  MainTransportEvents,
  SyncResponder,
  TransportCapabilities,
} from '../transport.js';
import type { BacklogBudget, BacklogHolder } from './backlog-budget.js';
import { binaryServerFrame } from './direct-frames.js';
import { CloseCode } from './wire.js';

const capabilities: TransportCapabilities = Object.freeze({ sync: true, transfer: false });

/** How often a send backlog over `maxBufferedBytes` is looked at to see whether the page reads it. */
const SLOW_CONSUMER_GRACE_MS = 2000;
/**
 * A page over its limit must take at least this much per grace period (32 KiB/s): a page on a slow
 * link that reads through a large message keeps its connection, one that stopped reading does not.
 */
const MIN_PROGRESS_BYTES = 64 * 1024;
/**
 * A backlog over this many times `maxBufferedBytes` (plus the largest frame sent since the backlog was
 * last under the limit, so that one message of any allowed size can always be delivered) closes the
 * page at once.
 */
const SLOW_CONSUMER_HARD_FACTOR = 4;

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const MAX_REASON_BYTES = 123;

/** A keepalive ping from a client, and the answer to it: a zero-length binary message. */
const KEEPALIVE = new Uint8Array(0);

/** How every connection of one server bounds what waits to be sent to it. */
export interface SendPolicy {
  /** Bytes that may wait in one socket's send buffer before the page counts as a slow consumer. */
  readonly maxBufferedBytes: number;
  /** The server-wide bound on all connections' backlogs together. */
  readonly budget: BacklogBudget;
}

/** Close codes with which a renderer ends its session on purpose: anything else may be a drop. */
const DELIBERATE_CLOSE_CODES = new Set<number>([CloseCode.normal, CloseCode.goingAway]);

/**
 * Main's end of one page's connection, over one WebSocket at a time. Binary frames go to main in order;
 * a text frame or a frame over `maxPayload` is a violation that closes only this connection, with the
 * reason logged by main. Sync requests arrive through {@link deliverSync} from the sync endpoint,
 * authenticated by `key`.
 *
 * When the socket drops without the page meaning it (no close code 1000/1001), main's session is told
 * it is suspended; the page may come back with a new socket that {@link tryResume} takes over.
 */
export class SocketMainTransport implements MainTransport, BacklogHolder {
  get capabilities(): TransportCapabilities {
    return capabilities;
  }
  private events: MainTransportEvents | undefined;
  /** Frames that arrived before `start` (rare: created on demand, like the other lists here). */
  private early: Uint8Array[] | undefined;
  private goneListeners: Set<() => void> | undefined;
  /** What the renderer accepts, when its handshake said (see {@link MainTransport.peerMaxPayload}). */
  peerMaxPayload: number | undefined = undefined;
  /** Made the first time the send backlog goes over the limit (see {@link send}), kept after. */
  private overLimit: BacklogWatch | undefined;
  /** @internal The backlog last reported to the server's budget. */
  observedBacklog = 0;

  /*
   * Memory per idle connection matters (a server holds thousands): the socket's listeners are shared
   * module-level functions that find their transport through the socket, nothing per connection is
   * allocated before it is needed, and the server's bookkeeping is one shared callback (`onGone`).
   * The flags below are bits of one field: each boolean field cost 8 bytes per connection.
   */
  #flags = ALIVE;

  /** Set by the heartbeat: cleared on each ping, set again by the pong. */
  get alive(): boolean {
    return this.#has(ALIVE);
  }
  set alive(value: boolean) {
    this.#flag(ALIVE, value);
  }

  /** The page reconnects after a drop (it offered to at the handshake). */
  get resumable(): boolean {
    return this.#has(RESUMABLE);
  }
  set resumable(value: boolean) {
    this.#flag(RESUMABLE, value);
  }

  private get closed(): boolean {
    return this.#has(CLOSED);
  }
  private set closed(value: boolean) {
    this.#flag(CLOSED, value);
  }

  /** The socket dropped and the session waits for the page to resume (see {@link tryResume}). */
  private get suspended(): boolean {
    return this.#has(SUSPENDED);
  }
  private set suspended(value: boolean) {
    this.#flag(SUSPENDED, value);
  }

  /** Being cut off as a slow consumer: what main still flushes is not worth sending. */
  private get cutOff(): boolean {
    return this.#has(CUT_OFF);
  }
  private set cutOff(value: boolean) {
    this.#flag(CUT_OFF, value);
  }

  #has(bit: number): boolean {
    return (this.#flags & bit) !== 0;
  }

  #flag(bit: number, value: boolean): void {
    this.#flags = value ? this.#flags | bit : this.#flags & ~bit;
  }

  constructor(
    /** The current socket: replaced when the page resumes over a new one. */
    public socket: WebSocket,
    /** The stream under {@link socket} (what the upgrade took over), for {@link sendTransient}. */
    private stream: Duplex,
    readonly key: string,
    /** The verified `Origin` header of the upgrade, or `undefined` for a non-browser client. */
    readonly origin: string | undefined,
    readonly maxPayload: number,
    /** The server's bounds on what may wait to be sent (shared by every connection). */
    private readonly sendPolicy: SendPolicy,
    /** Called once when the connection is gone, before any {@link whenGone} listener. */
    private readonly onGone?: (transport: SocketMainTransport) => void,
  ) {
    listenTo(socket, this);
  }

  /** @internal A frame arrived on the socket. */
  received(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    // Whatever arrives proves the page is there, as a pong would (the heartbeat checks this flag).
    this.alive = true;
    if (!isBinary) {
      this.violation(
        new IpcError(IpcErrorCode.Protocol, 'Received a text frame; only binary frames are valid.'),
      );
      return;
    }
    if (data.byteLength === 0) {
      // A keepalive ping (no message frame is empty): answered at once, never passed to main.
      this.send(KEEPALIVE);
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
    const error = new IpcError(
      IpcErrorCode.Closed,
      `The page's socket closed (code ${code}${text ? `: ${text}` : ''}).`,
    );
    if (DELIBERATE_CLOSE_CODES.has(code)) this.gone(error);
    else this.lost(error);
  }

  /**
   * The socket is gone, but the page may come back: main's session decides (it ends at once when it
   * cannot resume). Drops the socket without a closing handshake that a dead link cannot complete.
   */
  lost(reason: IpcError): void {
    if (this.closed || this.suspended) return;
    this.socket.terminate();
    if (!this.events?.suspended) {
      this.gone(reason);
      return;
    }
    this.suspended = true;
    this.resetSendState();
    this.events.suspended(reason);
  }

  /**
   * A new socket from the same page (same key and origin) presents the session's resume `token` and
   * says what it `received`: when main's session accepts, it replaces the old socket (which is dropped)
   * and main sends again what the page missed. Returns whether it did; the caller closes a refused one.
   */
  tryResume(socket: WebSocket, stream: Duplex, token: string, received: number): boolean {
    const events = this.events;
    if (this.closed || !events?.resume) return false;
    const previous = this.socket;
    const previousStream = this.stream;
    this.socket = socket;
    this.stream = stream;
    own(socket, this);
    const wasSuspended = this.suspended;
    this.suspended = false;
    this.resetSendState();
    if (!events.resume(token, received)) {
      own(socket, undefined);
      this.socket = previous;
      this.stream = previousStream;
      this.suspended = wasSuspended;
      return false;
    }
    // The old socket may still look open (a half-open link nobody noticed yet): it is done.
    own(previous, undefined);
    previous.terminate();
    this.alive = true;
    listenTo(socket, this);
    return true;
  }

  /** A new socket starts with nothing waiting and nothing counted against the server's budget. */
  private resetSendState(): void {
    this.overLimit?.stop();
    this.cutOff = false;
    this.sendPolicy.budget.release(this);
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

  /** Bytes waiting to be sent (not yet taken by the network). */
  get backlog(): number {
    return this.socket.bufferedAmount;
  }

  /** The bytes that may wait to be sent to this page. */
  get maxBufferedBytes(): number {
    return this.sendPolicy.maxBufferedBytes;
  }

  send(frame: Uint8Array): void {
    this.deliver(frame, false);
  }

  /**
   * Sends bytes valid only during the call (main's outbox buffer, a replay copy): copied once, behind
   * their WebSocket header, and written to the stream in one write (see direct-frames.ts). `ws` itself
   * sends nothing in between that could interleave: its writes (pings, close) are synchronous too, as
   * no compression or Blob ever queues them.
   */
  sendTransient(frame: Uint8Array): void {
    this.deliver(frame, true);
  }

  private deliver(frame: Uint8Array, transient: boolean): void {
    const socket = this.socket;
    if (this.closed || this.cutOff || socket.readyState !== socket.OPEN) return;
    // A page that stops reading would make main buffer without bound. A backlog over the limit may be
    // a burst (or one large message) that a reading page takes in a while: it is looked at every
    // SLOW_CONSUMER_GRACE_MS and may stay as long as it reads, unless it grows past the hard limit.
    const limit = this.sendPolicy.maxBufferedBytes;
    const watch = this.overLimit;
    if (socket.bufferedAmount > SLOW_CONSUMER_HARD_FACTOR * limit + (watch?.largestFrame ?? 0)) {
      this.slowConsumer(`more than ${SLOW_CONSUMER_HARD_FACTOR} times the limit`);
      return;
    }
    if (transient) this.stream.write(binaryServerFrame(frame));
    else socket.send(frame, { binary: true });
    const backlog = socket.bufferedAmount;
    const bytes = frame.byteLength;
    if (backlog > limit) {
      const over = (this.overLimit ??= new BacklogWatch());
      if (bytes > over.largestFrame) over.largestFrame = bytes;
      if (over.timer === undefined) this.watchDrain(over, backlog - bytes, bytes);
      else over.sentSinceCheck += bytes;
    } else if (watch !== undefined) {
      watch.largestFrame = 0; // whatever large frame there was has gone out
      if (watch.timer !== undefined) watch.sentSinceCheck += bytes;
    }
    this.sendPolicy.budget.observe(this, backlog);
  }

  /** Looks again in a while: by then the page must be under the limit, or at least reading. */
  private watchDrain(watch: BacklogWatch, backlog: number, sent: number): void {
    watch.checkedBacklog = backlog;
    watch.sentSinceCheck = sent;
    // A shared function with `this` as its argument: no closure per connection.
    watch.timer = setTimeout(checkDrainOf, SLOW_CONSUMER_GRACE_MS, this);
    watch.timer.unref?.();
  }

  /** @internal The drain check is due. */
  checkDrain(): void {
    const watch = this.overLimit!;
    watch.timer = undefined;
    if (this.closed) return;
    const backlog = this.socket.bufferedAmount;
    if (backlog <= this.sendPolicy.maxBufferedBytes) {
      watch.largestFrame = 0;
      return;
    }
    const taken = watch.checkedBacklog + watch.sentSinceCheck - backlog;
    if (taken < MIN_PROGRESS_BYTES) {
      this.slowConsumer(`it took ${Math.max(0, taken)} bytes in ${SLOW_CONSUMER_GRACE_MS} ms`);
      return;
    }
    this.watchDrain(watch, backlog, 0);
  }

  /** @internal The server's total backlog is over its budget, and this page has the largest share. */
  overBudget(total: number, max: number): void {
    this.slowConsumer(
      `all pages together have ${total} bytes waiting (limit ${max}, the server's maxTotalBufferedBytes) and this page the most`,
    );
  }

  private slowConsumer(why: string): void {
    if (this.closed || this.cutOff) return;
    this.cutOff = true;
    this.violation(
      new IpcError(
        IpcErrorCode.SlowConsumer,
        `The page is not reading: ${this.socket.bufferedAmount} bytes are waiting to be sent (limit ${this.sendPolicy.maxBufferedBytes}, the server's maxBufferedBytes); ${why}.`,
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

  /** Drops the connection at once. */
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

  /** Whether the socket dropped and the session waits for the page to resume. */
  get isSuspended(): boolean {
    return this.suspended;
  }

  /**
   * Hands main the frames of one sync request: the async frames queued before it first, then the
   * request itself with the responder that answers the HTTP request.
   */
  deliverSync(frames: readonly Uint8Array[], respond: SyncResponder): void {
    const events = this.events;
    if (this.closed || !events) return;
    const last = frames.length - 1;
    for (let i = 0; i < last && !this.closed; i++) events.frame(frames[i]!, undefined, true);
    if (!this.closed) events.frame(frames[last]!, respond, true);
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
    this.overLimit?.stop();
    this.sendPolicy.budget.release(this);
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

/** While a page's send backlog is over the limit: the pending look at it, and what that compares. */
class BacklogWatch {
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The backlog when the timer was armed, and what was sent since. */
  checkedBacklog = 0;
  sentSinceCheck = 0;
  /** The largest frame sent since the backlog was last under the limit. */
  largestFrame = 0;

  /** A new socket, or none: nothing is waiting any more. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.largestFrame = 0;
  }
}

/** The bits of `SocketMainTransport`'s flags. */
const ALIVE = 1;
const RESUMABLE = 2;
const CLOSED = 4;
const SUSPENDED = 8;
const CUT_OFF = 16;

/**
 * After a frame this large (a chunk of a large message), the socket reads nothing more until the next
 * event-loop turn: a renderer streaming 100 MB otherwise has a few MiB parsed and copied in one go
 * (libuv reads a ready socket until it is empty), while other renderers' small messages wait.
 */
const LARGE_FRAME_BYTES = 256 * 1024;

/**
 * The sockets of main's WebSocket server (its `WebSocket` option): each holds its transport, for the
 * shared listeners below (`this` is the socket). A field of its own costs 8 bytes per connection,
 * where a WeakMap entry cost about 40 and a property added to a plain `ws` socket about 60.
 */
export class MainSideWebSocket extends WebSocket {
  ipcAnywhereTransport: SocketMainTransport | undefined = undefined;
}

/** A socket from {@link MainSideWebSocket}, or a plain `ws` one given the same property. */
type OwnedSocket = WebSocket & { ipcAnywhereTransport?: SocketMainTransport | undefined };

function own(socket: WebSocket, transport: SocketMainTransport | undefined): void {
  (socket as OwnedSocket).ipcAnywhereTransport = transport;
}

function transportOf(socket: WebSocket): SocketMainTransport | undefined {
  return (socket as OwnedSocket).ipcAnywhereTransport;
}

function listenTo(socket: WebSocket, transport: SocketMainTransport): void {
  own(socket, transport);
  socket.on('message', onSocketMessage);
  socket.on('pong', onSocketPong);
  socket.on('error', onSocketError);
  socket.on('close', onSocketClose);
}

function checkDrainOf(transport: SocketMainTransport): void {
  transport.checkDrain();
}

function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  transportOf(this)?.received(data, isBinary);
  if (data.byteLength >= LARGE_FRAME_BYTES && !this.isPaused) {
    this.pause();
    setImmediate(resumeSocket, this);
  }
}

function resumeSocket(socket: WebSocket): void {
  socket.resume();
}

function onSocketPong(this: WebSocket): void {
  const transport = transportOf(this);
  if (transport) transport.alive = true;
}

function onSocketError(this: WebSocket, error: Error & { code?: string }): void {
  transportOf(this)?.failed(error);
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  transportOf(this)?.socketClosedWith(code, reason);
}
