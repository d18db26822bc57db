import type { IpcError } from '../protocol/errors.js';

/**
 * The one interface every transport implements (memory, worker, WebSocket). A transport moves opaque
 * frames in order and reports closure; framing of messages, sequencing and dispatch live above it.
 */
export interface TransportCapabilities {
  /** `sendSync` really blocks the renderer (worker: Atomics.wait; page: sync XHR; memory: direct call). */
  readonly sync: boolean;
  /**
   * MessagePorts move natively: `send` takes a transfer list of ports and frames arrive with theirs
   * (worker: the thread's own MessagePorts; memory: the same objects). Otherwise ports travel as virtual
   * ports over the connection (docs/protocol.md, "MessagePorts").
   */
  readonly transfer: boolean;
}

/**
 * The ports that travel with a frame, in the order its messages reference them (`NATIVE_PORT`). Only
 * transports whose `capabilities.transfer` is true are given or report one; its entries are the
 * platform's MessagePorts (checked by the receiving session).
 */
export type TransferList = readonly unknown[];

/** Called by main for a sync request frame: the reply frame goes back on the transport's sync path. */
export type SyncResponder = (replyFrame: Uint8Array) => void;

export interface MainTransportEvents {
  /**
   * A frame from the renderer; `respond` is present for the sync request that ends a sync body.
   * `repeatable`: it came on the sync path, which a client may send again (an HTTP client resends a
   * request whose connection died), so messages main already has may arrive again.
   */
  frame(frame: Uint8Array, respond?: SyncResponder, repeatable?: boolean, transfer?: TransferList): void;
  /** The connection is gone (peer left, crashed, or `close` was called). Fires once. */
  close(error: IpcError): void;
  /**
   * Resumable transports: the connection dropped, but the renderer may come back (see {@link resume}).
   * Until then main only records what it sends; the transport reports `close` if it does not.
   */
  suspended?(reason: IpcError): void;
  /**
   * Resumable transports: a new connection presents the session's resume `token` and says it received
   * main's messages up to `received`. The session answers whether it resumes; when it does, it sends
   * through the transport again at once (its resume notice first).
   */
  resume?(token: string, received: number): boolean;
  /**
   * The peer broke a rule only the transport can see (a text frame, an oversize frame, a forged sync
   * request): main logs `reason` and closes this connection, as it does for undecodable frames.
   */
  reject(reason: IpcError): void;
}

/** Main's end of one renderer's connection. */
export interface MainTransport {
  readonly capabilities: TransportCapabilities;
  /** Largest message this transport carries; main announces the smaller of this and its own limit. */
  readonly maxPayload?: number;
  /** Largest message the renderer accepts, when its handshake said (otherwise the default, 64 MiB). */
  readonly peerMaxPayload?: number;
  /** The renderer reconnects after a drop, and the session may resume (see {@link MainTransportEvents.resume}). */
  readonly resumable?: boolean;
  start(events: MainTransportEvents): void;
  /** Sends in order; `transfer` (ports moving with the frame) only when `capabilities.transfer`. */
  send(frame: Uint8Array, transfer?: TransferList): void;
  /**
   * Optional: sends, in order with {@link send}, bytes that are valid only during the call; the
   * transport copies what it keeps. A transport that copies each frame anyway spares main a copy.
   */
  sendTransient?(frame: Uint8Array): void;
  /** Closes with a reason that is logged and, where the transport can, told to the peer. */
  close(reason: IpcError): void;
}

export interface RendererTransportEvents {
  /** A frame from main, with the ports that came with it (transports with `capabilities.transfer`). */
  frame(frame: Uint8Array, transfer?: TransferList): void;
  close(error: IpcError): void;
  /**
   * Resumable transports: the connection dropped and the transport reconnects by itself. The first frame
   * on the new connection answers the resume offer: main's resume notice, or a hello (a new session).
   * `sessionEnded`: main said it ended the session (it shut down), so there is nothing to resume.
   */
  suspended?(error: IpcError, sessionEnded: boolean): void;
  /** Resumable transports: what to offer main when reconnecting; `undefined` asks for a new session. */
  resumeOffer?(): ResumeOffer | undefined;
}

/** A renderer's claim to its session when it reconnects. */
export interface ResumeOffer {
  /** The credential main gave for the next resume (single-use). */
  readonly token: string;
  /** The number of the last message received from main. */
  readonly received: number;
}

/** A renderer's end of its connection to main. */
export interface RendererTransport {
  readonly capabilities: TransportCapabilities;
  /** It reconnects after a drop (see {@link RendererTransportEvents.suspended}). */
  readonly resumable?: boolean;
  start(events: RendererTransportEvents): void;
  /**
   * Sends in order; a transport that is still opening queues the frame. `transfer`: ports moving with
   * it, only when `capabilities.transfer`.
   */
  send(frame: Uint8Array, transfer?: TransferList): void;
  /**
   * Sends a sync request frame after every frame sent before it and blocks until main answers.
   * Throws `ERR_IPC_TIMEOUT`, `ERR_IPC_CLOSED`, or `ERR_IPC_SYNC_UNSUPPORTED`; a resumable transport
   * whose connection is down also `ERR_IPC_SESSION_LOST` when main no longer knows the session.
   * `unacknowledged`: a resumable session whose connection is down sends along what main may not have
   * received yet (main skips what it has), so the request does not wait for the reconnection.
   */
  sendSync(frame: Uint8Array, timeoutMs: number, unacknowledged?: readonly Uint8Array[]): Uint8Array;
  close(): void;
}

/**
 * What a log line carries besides its message, pino/bunyan style: `err` holds the Error (under the key
 * those loggers serialize with message and stack), `code` an `ERR_IPC_*` code for every refusal and drop,
 * and the renderer and channel concerned where known.
 */
export interface LogFields {
  readonly err?: unknown;
  readonly code?: string;
  readonly webContentsId?: number;
  readonly channel?: string;
  readonly url?: string;
  readonly [field: string]: unknown;
}

/** One log level of a {@link Logger}: structured fields first, then the message (pino's order). */
export type LogMethod = (fields: LogFields, message: string) => void;

/**
 * Where the main side reports handler errors, sync warnings, refusals and dropped peers. pino and bunyan
 * loggers are one as they are; `console` is adapted (see `consoleStyle` in ipc-anywhere/main).
 * Declared here, at the bottom of its users, so transports can log without depending on core.
 */
export interface Logger {
  error: LogMethod;
  warn: LogMethod;
  info?: LogMethod;
  debug?: LogMethod;
}
