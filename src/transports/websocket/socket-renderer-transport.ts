import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  RendererTransport,
  RendererTransportEvents,
  ResumeOffer,
  TransportCapabilities,
} from '../transport.js';
import {
  checkKeepaliveOptions,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  KEEPALIVE_CLOSE_CODE,
  Keepalive,
  type KeepaliveLink,
  type KeepaliveOptions,
} from './keepalive.js';
import { checkReconnectOptions, Reconnect, type ReconnectOptions } from './reconnect.js';
import { CloseCode, encodeSyncBody, SyncStatus } from './wire.js';

/** The part of the WebSocket API both the browser's `WebSocket` and the `ws` package implement. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: any) => void) | null;
  /** `ws` only: drops the connection without a closing handshake (which a dead link cannot complete). */
  terminate?(): void;
  /**
   * `ws` (Node) only: the one listener for messages, binary ones as views of `ws`'s buffers and text
   * ones as `undefined`, instead of `onmessage` (an event object and a copy into an ArrayBuffer per
   * message). `null` removes it.
   */
  setMessageListener?(listener: ((frame: Uint8Array | undefined) => void) | null): void;
  /** `ws` (Node) only: sends bytes that are valid only during the call (copied once). */
  sendTransient?(data: Uint8Array): void;
}

/**
 * Posts a sync request body and blocks until the reply frame is back. `beforeOpen` tells the server
 * that the socket is not open yet, so it may have to wait for it. Throws a coded {@link IpcError}:
 * `ERR_IPC_TIMEOUT` when main did not answer in time (the connection stays usable), anything else
 * when the request may not have reached main (the connection is then unusable).
 */
export type SyncPoster = (
  body: Uint8Array<ArrayBuffer>,
  timeoutMs: number,
  beforeOpen: boolean,
  /** The body also carries what main has not acknowledged (the socket is down). */
  resend?: boolean,
) => Uint8Array;

/** Why a sync request failed, with the HTTP status it got (0: main could not be reached at all). */
export class SyncPostError extends IpcError {
  constructor(
    code: IpcErrorCode,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** While main cannot be reached, a sync request sent during a reconnection is tried again this often. */
const SYNC_RETRY_MS = 100;

const OPEN = 1;

/** A keepalive ping, and main's answer to one (see docs/protocol.md, "Keepalive"). */
const PING = new Uint8Array(0);

/** Opens a socket to main, offering to resume a session when `offer` is given. */
export type SocketOpener = (offer: ResumeOffer | undefined) => WebSocketLike;

/**
 * Close codes from main that end the session for good: main closed this renderer on purpose
 * (`webContents.close()`), or the renderer broke the protocol. Any other close (a server going down
 * with 1001, a dropped link with 1006, ...) is a reason to reconnect.
 */
const FINAL_CLOSE_CODES = new Set<number>([CloseCode.normal, CloseCode.policy, CloseCode.tooBig]);

export interface SocketTransportOptions extends KeepaliveOptions, ReconnectOptions {}

/**
 * A renderer's connection over a WebSocket: binary frames in order, queued until the socket opens. With a
 * {@link SyncPoster} (browsers: synchronous XHR) `sendSync` blocks; without one the transport declares
 * `sync: false` and the renderer throws `ERR_IPC_SYNC_UNSUPPORTED`. A {@link Keepalive} pings main when
 * nothing arrives, and drops a socket when even that goes unanswered.
 *
 * Once a socket has been open, a drop is not the end: the transport reports it (`suspended`) and
 * reconnects with backoff ({@link Reconnect}), offering main the session's resume token; main's first
 * frame on the new socket says whether the session resumed (docs/protocol.md, "Resume").
 */
export class SocketRendererTransport implements RendererTransport {
  readonly capabilities: TransportCapabilities;
  readonly resumable: boolean;
  private socket: WebSocketLike;
  private events: RendererTransportEvents | undefined;
  /** Frames sent before the first socket opened (later, the session itself sends again what was lost). */
  private queue: Uint8Array[] = [];
  private readonly early: Uint8Array[] = [];
  private closedWith: IpcError | undefined;
  /** A frame arrived since the keepalive last looked: all that receiving costs for liveness. */
  private heard = false;
  private keepalive: Keepalive | undefined;
  /** A socket has been open: from then on a drop reconnects instead of ending the connection. */
  private everOpened = false;
  /** Between a drop and the next socket's open. */
  private suspended = false;
  private readonly reconnect: Reconnect | undefined;

  /** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for bad keepalive or reconnect options (before anything starts). */
  constructor(
    private readonly openSocket: SocketOpener,
    private readonly postSync?: SyncPoster,
    private readonly options: SocketTransportOptions = {},
  ) {
    checkKeepaliveOptions(options);
    checkReconnectOptions(options);
    this.capabilities = Object.freeze({ sync: postSync !== undefined, transfer: false });
    this.resumable = options.reconnect !== false;
    if (this.resumable) this.reconnect = new Reconnect(options, () => this.reopen());
    this.socket = this.install(openSocket(undefined));
  }

  /** Wires a new socket to this transport; the previous one (if any) is already detached. */
  private install(socket: WebSocketLike): WebSocketLike {
    socket.onopen = () => {
      this.everOpened = true;
      this.suspended = false;
      const queued = this.queue;
      this.queue = [];
      for (const frame of queued) socket.send(frame);
    };
    if (socket.setMessageListener) {
      socket.binaryType = 'nodebuffer';
      socket.setMessageListener((frame) => this.received(frame));
    } else {
      socket.binaryType = 'arraybuffer';
      socket.onmessage = (event) =>
        this.received(event.data instanceof ArrayBuffer ? new Uint8Array(event.data) : undefined);
    }
    socket.onclose = (event) => {
      const reason = event.reason ? `: ${event.reason}` : '';
      this.dropped(
        new IpcError(IpcErrorCode.Closed, `The connection to main closed (code ${event.code}${reason}).`),
        !FINAL_CLOSE_CODES.has(event.code),
        // Main shutting down says so (1001): the session is over, a restarted main starts a new one.
        event.code === CloseCode.goingAway,
      );
    };
    // An error is always followed by a close event, which carries what we can tell.
    socket.onerror = () => {};
    this.keepalive?.stop();
    const interval = this.options.keepaliveInterval ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    if (interval > 0) {
      this.keepalive = new Keepalive(
        this.keepaliveLink(socket),
        interval,
        this.options.keepaliveTimeout ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
      );
    }
    return socket;
  }

  /** A message from main: `undefined` for a text one. */
  private received(frame: Uint8Array | undefined): void {
    if (this.closedWith) return;
    if (frame === undefined) {
      this.fail(new IpcError(IpcErrorCode.Protocol, 'Main sent a text frame; only binary frames are valid.'));
      return;
    }
    this.heard = true;
    // Main's answer to a ping: proof of life, nothing for the session. (Checked on the view: reading
    // the ArrayBuffer's byteLength first cost ~2 ns per frame, the view's length ~0.5.)
    if (frame.length === 0) return;
    this.reconnect?.succeeded();
    if (this.events) this.events.frame(frame);
    else this.early.push(frame);
  }

  private keepaliveLink(socket: WebSocketLike): KeepaliveLink {
    return {
      takeHeard: () => {
        const heard = this.heard;
        this.heard = false;
        return heard;
      },
      ping: () => {
        if (socket.readyState !== OPEN) return false;
        socket.send(PING);
        return true;
      },
      dead: (error) => {
        dropSocket(socket, 'no answer to keepalive pings');
        this.dropped(error, true);
      },
    };
  }

  /**
   * The socket is gone: the connection ends when it never opened, cannot resume, or main meant it;
   * otherwise the session is told and a new socket follows (after a backoff delay).
   */
  private dropped(error: IpcError, mayResume: boolean, sessionEnded = false): void {
    if (this.closedWith) return;
    const socket = this.socket;
    detach(socket);
    this.keepalive?.stop();
    this.keepalive = undefined;
    if (!mayResume || !this.reconnect || !this.everOpened || !this.events?.suspended) {
      this.finish(error);
      return;
    }
    if (!this.suspended || sessionEnded) {
      this.suspended = true;
      this.events.suspended(error, sessionEnded);
    }
    this.reconnect.schedule();
  }

  /** The backoff delay is over: a new socket, offering the session's resume token. */
  private reopen(): void {
    if (this.closedWith) return;
    this.heard = false;
    this.socket = this.install(this.openSocket(this.events?.resumeOffer?.()));
  }

  start(events: RendererTransportEvents): void {
    this.events = events;
    for (const frame of this.early.splice(0)) events.frame(frame);
    if (this.closedWith) events.close(this.closedWith);
  }

  /** Bytes waiting in the socket (large messages go in chunks paced against it). */
  get backlog(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: Uint8Array): void {
    if (this.closedWith) return;
    if (this.socket.readyState === OPEN && this.queue.length === 0) this.socket.send(frame);
    // Before the first open, frames wait; later, a session that lost its socket sends them again itself.
    else if (!this.everOpened) this.queue.push(frame);
  }

  /**
   * {@link send} for bytes valid only during the call. An open socket copies them before `send`
   * returns: a browser's `WebSocket.send` snapshots its data, and `ws` on the client side always masks
   * into a new buffer (client frames are masked, deflate is off); a queued frame is copied here.
   */
  sendTransient(frame: Uint8Array): void {
    if (this.closedWith) return;
    const socket = this.socket;
    if (socket.readyState === OPEN && this.queue.length === 0) {
      if (socket.sendTransient) socket.sendTransient(frame);
      else socket.send(frame);
    } else if (!this.everOpened) this.queue.push(frame.slice());
  }

  sendSync(frame: Uint8Array, timeoutMs: number, unacknowledged?: readonly Uint8Array[]): Uint8Array {
    if (this.closedWith)
      throw new IpcError(IpcErrorCode.Closed, 'The connection to main is closed.', {
        cause: this.closedWith,
      });
    if (!this.postSync) {
      throw new IpcError(IpcErrorCode.SyncUnsupported, 'sendSync is not supported by this WebSocket client.');
    }
    if (this.suspended && unacknowledged === undefined) {
      throw new IpcError(
        IpcErrorCode.Closed,
        'sendSync: the connection to main is down and too much waits to be sent again to send it along.',
      );
    }
    if (this.everOpened && unacknowledged !== undefined) {
      // The page is blocked, so it cannot wait for a reconnection (which needs its event loop): the
      // request carries what main has not acknowledged, and main skips what it has.
      return this.postRetrying([...unacknowledged, frame], timeoutMs, false, true);
    }
    // Frames still queued (socket not open) cannot wait for it while we block: they travel first, in the
    // same request, so main sees them before the sync message.
    const beforeOpen = (this.queue.length > 0 || this.socket.readyState !== OPEN) && !this.everOpened;
    const frames = this.queue;
    this.queue = [];
    frames.push(frame);
    try {
      if (this.resumable) return this.postRetrying(frames, timeoutMs, beforeOpen, false);
      return this.postSync(encodeSyncBody(frames), timeoutMs, beforeOpen);
    } catch (error) {
      // After main's own timeout (504) it has the request and the sequence is intact; otherwise it may not.
      const mainHasIt =
        error instanceof IpcError &&
        error.code === IpcErrorCode.Timeout &&
        !(error instanceof SyncPostError && error.status === 0);
      if (!mainHasIt) {
        const reason = error instanceof IpcError ? error : new IpcError(IpcErrorCode.Closed, String(error));
        // A session that resumes gets the request to main with the rest of what main may lack.
        if (this.resumable && this.everOpened) {
          dropSocket(this.socket, 'sync request failed');
          this.dropped(reason, true);
        } else this.fail(reason);
      }
      throw error;
    }
  }

  /**
   * Posts a sync request of a resumable session, trying again until its deadline while main cannot be
   * reached (the HTTP connection was cut) or still holds the previous attempt (409): main answers a
   * request it already has with the same reply, so sending it again is safe. With `resend` (the socket
   * is down), a main that does not know the key any more (it restarted) means the session is lost.
   */
  private postRetrying(
    frames: readonly Uint8Array[],
    timeoutMs: number,
    beforeOpen: boolean,
    resend: boolean,
  ): Uint8Array {
    const body = encodeSyncBody(frames);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return this.postSync!(body, Math.max(1, deadline - Date.now()), beforeOpen, resend);
      } catch (error) {
        if (!(error instanceof SyncPostError)) throw error;
        if (resend && error.status === SyncStatus.forbidden) {
          throw new IpcError(
            IpcErrorCode.SessionLost,
            'sendSync: main no longer knows this renderer (it restarted while the connection was down); a new session begins when it reconnects.',
            { cause: error },
          );
        }
        if (error.status !== 0 && error.status !== SyncStatus.busy) throw error;
        if (Date.now() + SYNC_RETRY_MS >= deadline) {
          throw new SyncPostError(
            IpcErrorCode.Timeout,
            `sendSync: main could not be reached within ${timeoutMs} ms.`,
            0,
            { cause: error },
          );
        }
        // The page is blocked in sendSync anyway: waiting here only spaces the attempts out.
        const until = Date.now() + SYNC_RETRY_MS;
        while (Date.now() < until) {
          // spin
        }
      }
    }
  }

  close(): void {
    this.fail(new IpcError(IpcErrorCode.Closed, 'The renderer closed its connection.'));
  }

  private fail(error: IpcError): void {
    try {
      this.socket.close(1000);
    } catch {
      // already closing
    }
    this.finish(error);
  }

  private finish(error: IpcError): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.keepalive?.stop();
    this.reconnect?.stop();
    this.queue = [];
    detach(this.socket);
    this.events?.close(error);
  }
}

/** Stops listening to a socket this transport is done with. */
function detach(socket: WebSocketLike): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  socket.setMessageListener?.(null);
}

/** Drops a socket whose link is dead, without a closing handshake that cannot complete. */
function dropSocket(socket: WebSocketLike, why: string): void {
  try {
    // `ws` would hold the socket for 30 s waiting for the handshake; a page can only close.
    if (socket.terminate) socket.terminate();
    else socket.close(KEEPALIVE_CLOSE_CODE, why);
  } catch {
    // already closing
  }
}
