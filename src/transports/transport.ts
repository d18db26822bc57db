import type { IpcError } from '../protocol/errors.js';

/**
 * The one interface every transport implements (memory, worker, WebSocket). A transport moves opaque
 * frames in order and reports closure; framing of messages, sequencing and dispatch live above it.
 */
export interface TransportCapabilities {
  /** `sendSync` really blocks the renderer (worker: Atomics.wait; page: sync XHR; memory: direct call). */
  readonly sync: boolean;
  /** Transferables (ArrayBuffer, MessagePort) can move without a copy. */
  readonly transfer: boolean;
}

/** Called by main for a sync request frame: the reply frame goes back on the transport's sync path. */
export type SyncResponder = (replyFrame: Uint8Array) => void;

export interface MainTransportEvents {
  /** A frame from the renderer; `respond` is present when it arrived on the sync path. */
  frame(frame: Uint8Array, respond?: SyncResponder): void;
  /** The connection is gone (peer left, crashed, or `close` was called). Fires once. */
  close(error: IpcError): void;
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
  start(events: MainTransportEvents): void;
  send(frame: Uint8Array): void;
  /** Closes with a reason that is logged and, where the transport can, told to the peer. */
  close(reason: IpcError): void;
}

export interface RendererTransportEvents {
  frame(frame: Uint8Array): void;
  close(error: IpcError): void;
}

/** A renderer's end of its connection to main. */
export interface RendererTransport {
  readonly capabilities: TransportCapabilities;
  start(events: RendererTransportEvents): void;
  /** Sends in order; a transport that is still opening queues the frame. */
  send(frame: Uint8Array): void;
  /**
   * Sends a sync request frame after every frame sent before it and blocks until main answers.
   * Throws `ERR_IPC_TIMEOUT`, `ERR_IPC_CLOSED`, or `ERR_IPC_SYNC_UNSUPPORTED`.
   */
  sendSync(frame: Uint8Array, timeoutMs: number): Uint8Array;
  close(): void;
}

/**
 * Where the main side reports what Electron prints (handler errors, sync warnings) and dropped peers.
 * Declared here, at the bottom of its users, so transports can log without depending on core.
 */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
