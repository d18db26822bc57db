import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type { RendererTransport, RendererTransportEvents, TransportCapabilities } from '../transport.js';
import {
  checkKeepaliveOptions,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  KEEPALIVE_CLOSE_CODE,
  Keepalive,
  type KeepaliveLink,
  type KeepaliveOptions,
} from './keepalive.js';
import { encodeSyncBody } from './wire.js';

/** The part of the WebSocket API both the browser's `WebSocket` and the `ws` package implement. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: any) => void) | null;
  /** `ws` only: drops the connection without a closing handshake (which a dead link cannot complete). */
  terminate?(): void;
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
) => Uint8Array;

const OPEN = 1;

/** A keepalive ping, and main's answer to one (see docs/protocol.md, "Keepalive"). */
const PING = new Uint8Array(0);

/**
 * A renderer's connection over a WebSocket: binary frames in order, queued until the socket opens. With a
 * {@link SyncPoster} (browsers: synchronous XHR) `sendSync` blocks; without one the transport declares
 * `sync: false` and the renderer throws `ERR_IPC_SYNC_UNSUPPORTED`. A {@link Keepalive} pings main when
 * nothing arrives, and ends the connection with `ERR_IPC_CLOSED` when even that goes unanswered.
 */
export class SocketRendererTransport implements RendererTransport {
  readonly capabilities: TransportCapabilities;
  private events: RendererTransportEvents | undefined;
  private queue: Uint8Array[] = [];
  private readonly early: Uint8Array[] = [];
  private closedWith: IpcError | undefined;
  /** A frame arrived since the keepalive last looked: all that receiving costs for liveness. */
  private heard = false;
  private readonly keepalive: Keepalive | undefined;

  /** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for bad keepalive options (before anything starts). */
  constructor(
    private readonly socket: WebSocketLike,
    private readonly postSync?: SyncPoster,
    keepalive: KeepaliveOptions = {},
  ) {
    checkKeepaliveOptions(keepalive);
    this.capabilities = Object.freeze({ sync: postSync !== undefined, transfer: false });
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      const queued = this.queue;
      this.queue = [];
      for (const frame of queued) socket.send(frame);
    };
    socket.onmessage = (event) => {
      if (this.closedWith) return;
      if (!(event.data instanceof ArrayBuffer)) {
        this.fail(
          new IpcError(IpcErrorCode.Protocol, 'Main sent a text frame; only binary frames are valid.'),
        );
        return;
      }
      this.heard = true;
      const frame = new Uint8Array(event.data);
      // Main's answer to a ping: proof of life, nothing for the session. (Checked on the view: reading
      // the ArrayBuffer's byteLength first cost ~2 ns per frame, the view's length ~0.5.)
      if (frame.length === 0) return;
      if (this.events) this.events.frame(frame);
      else this.early.push(frame);
    };
    socket.onclose = (event) => {
      const reason = event.reason ? `: ${event.reason}` : '';
      this.finish(
        new IpcError(IpcErrorCode.Closed, `The connection to main closed (code ${event.code}${reason}).`),
      );
    };
    // An error is always followed by a close event, which carries what we can tell.
    socket.onerror = () => {};
    const interval = keepalive.keepaliveInterval ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    if (interval > 0) {
      this.keepalive = new Keepalive(
        this.keepaliveLink(),
        interval,
        keepalive.keepaliveTimeout ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
      );
    }
  }

  private keepaliveLink(): KeepaliveLink {
    return {
      takeHeard: () => {
        const heard = this.heard;
        this.heard = false;
        return heard;
      },
      ping: () => {
        if (this.socket.readyState !== OPEN) return false;
        this.socket.send(PING);
        return true;
      },
      dead: (error) => {
        try {
          // A closing handshake cannot complete on a dead link: `ws` would hold the socket for 30 s.
          if (this.socket.terminate) this.socket.terminate();
          else this.socket.close(KEEPALIVE_CLOSE_CODE, 'no answer to keepalive pings');
        } catch {
          // already closing
        }
        this.finish(error);
      },
    };
  }

  start(events: RendererTransportEvents): void {
    this.events = events;
    for (const frame of this.early.splice(0)) events.frame(frame);
    if (this.closedWith) events.close(this.closedWith);
  }

  send(frame: Uint8Array): void {
    if (this.closedWith) return;
    if (this.socket.readyState === OPEN && this.queue.length === 0) this.socket.send(frame);
    else this.queue.push(frame);
  }

  /**
   * {@link send} for bytes valid only during the call. An open socket copies them before `send`
   * returns: a browser's `WebSocket.send` snapshots its data, and `ws` on the client side always masks
   * into a new buffer (client frames are masked, deflate is off); a queued frame is copied here.
   */
  sendTransient(frame: Uint8Array): void {
    if (this.closedWith) return;
    if (this.socket.readyState === OPEN && this.queue.length === 0) this.socket.send(frame);
    else this.queue.push(frame.slice());
  }

  sendSync(frame: Uint8Array, timeoutMs: number): Uint8Array {
    if (this.closedWith)
      throw new IpcError(IpcErrorCode.Closed, 'The connection to main is closed.', {
        cause: this.closedWith,
      });
    if (!this.postSync) {
      throw new IpcError(IpcErrorCode.SyncUnsupported, 'sendSync is not supported by this WebSocket client.');
    }
    // Frames still queued (socket not open) cannot wait for it while we block: they travel first, in the
    // same request, so main sees them before the sync message.
    const beforeOpen = this.queue.length > 0 || this.socket.readyState !== OPEN;
    const frames = this.queue;
    this.queue = [];
    frames.push(frame);
    try {
      return this.postSync(encodeSyncBody(frames), timeoutMs, beforeOpen);
    } catch (error) {
      // After a timeout main has the request and the sequence is intact; after anything else it may not.
      if (!(error instanceof IpcError && error.code === IpcErrorCode.Timeout)) {
        this.fail(error instanceof IpcError ? error : new IpcError(IpcErrorCode.Closed, String(error)));
      }
      throw error;
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
    this.queue = [];
    this.socket.onopen = this.socket.onmessage = this.socket.onclose = null;
    this.events?.close(error);
  }
}
