/*
 * What the WebSocket transport's server and clients agree on: paths, headers, status and close codes,
 * the connection key, and the body of a sync request. Browser-safe (no Node imports).
 */

import { DEFAULT_LIMITS } from '../../protocol/limits.js';

/** The WebSocket endpoint. The page URL travels in the `href` query parameter (client-claimed). */
export const WS_PATH = '/ipc-anywhere/ws';
/** The sync endpoint: `POST` a sync request body, get the reply frame back. */
export const SYNC_PATH = '/ipc-anywhere/sync';
/** The browser classic script (an IIFE that sets `window.ipcRenderer` and friends). */
export const SCRIPT_PATH = '/ipc-anywhere/renderer.js';

/** The subprotocol the server selects; the client offers it with its key (`key.<key>`). */
export const SUBPROTOCOL = 'ipc-anywhere.1';
export const KEY_PROTOCOL_PREFIX = 'key.';
/**
 * A `<webview>` guest offers the token its host gave it (`guest.<token>`) and, optionally, the token the
 * next page in its frame will present (`guest-next.<token>`; see docs/webview.md).
 */
export const GUEST_PROTOCOL_PREFIX = 'guest.';
export const NEXT_GUEST_PROTOCOL_PREFIX = 'guest-next.';
/**
 * A renderer that accepts other than the default `maxPayload` offers `limit.<bytes>`, so main checks
 * what it sends against that from the first message on (see docs/protocol.md).
 */
export const LIMIT_PROTOCOL_PREFIX = 'limit.';
/**
 * A renderer reconnecting after a drop offers its session's resume token (`resume.<token>`) and the
 * number of the last message it received from main (`received.<n>`), with the key it had.
 */
export const RESUME_PROTOCOL_PREFIX = 'resume.';
/**
 * Offered by a renderer that reconnects after a drop: main then keeps its session for the grace period
 * when the socket drops. Without it a drop ends the session at once, as for a renderer that cannot come
 * back.
 */
export const RESUMABLE_PROTOCOL = 'resumable';
export const RECEIVED_PROTOCOL_PREFIX = 'received.';

/**
 * The subprotocols of a renderer that can resume: the flag, and its claim to a session when there is
 * one to resume.
 */
export function resumeProtocols(offer: { token: string; received: number } | undefined): string[] {
  return offer === undefined
    ? [RESUMABLE_PROTOCOL]
    : [RESUMABLE_PROTOCOL, RESUME_PROTOCOL_PREFIX + offer.token, RECEIVED_PROTOCOL_PREFIX + offer.received];
}

/** The subprotocols that announce what a renderer accepts: none for the default. */
export function limitProtocols(maxPayload: number | undefined): string[] {
  return maxPayload === undefined || maxPayload === DEFAULT_LIMITS.maxPayload
    ? []
    : [LIMIT_PROTOCOL_PREFIX + maxPayload];
}

/** Request headers of the sync endpoint. */
export const SyncHeader = {
  /** The connection key given at the WebSocket handshake. */
  key: 'x-ipc-anywhere-key',
  /** How long (ms) the renderer is willing to block; the server answers 504 when it passes. */
  timeout: 'x-ipc-anywhere-timeout',
  /** `1` when the socket was not open yet: the server waits (briefly) for it to arrive. */
  beforeOpen: 'x-ipc-anywhere-before-open',
  /**
   * `1` when the socket dropped and the renderer is reconnecting: the body also carries what main has
   * not acknowledged (main skips what it has), so it may be as large as before the socket opened.
   */
  resend: 'x-ipc-anywhere-resend',
} as const;

/** Status codes of the sync endpoint and what the client makes of them. */
export const SyncStatus = {
  ok: 200,
  badRequest: 400,
  /** Unknown key, wrong origin: nothing was dispatched. */
  forbidden: 403,
  /**
   * Another sync request of the same connection is in flight (a page blocked in `sendSync` cannot send
   * a second one): refused before its body is read, nothing dispatched.
   */
  busy: 409,
  /** The connection closed before main answered. */
  gone: 410,
  tooLarge: 413,
  /** Main did not answer by the deadline the request carried. */
  timeout: 504,
} as const;

/** WebSocket close codes the server uses. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  /** The peer broke the protocol (undecodable frame, sequence gap, text frame, ...). */
  policy: 1008,
  /** A frame was larger than `maxPayload`. */
  tooBig: 1009,
} as const;

/** A connection key is a secret token: 32 bytes from the platform CSPRNG, base64url. */
export {
  createSecretToken as createConnectionKey,
  isSecretToken as isConnectionKey,
} from '../../protocol/secret-token.js';

/**
 * A sync request body is one or more frames, each prefixed by its length as a 4-byte big-endian
 * integer. The last frame holds the SendSync message; the ones before it are async frames the renderer
 * had queued while its socket was not open yet (they must reach main first, and cannot wait).
 */
export function encodeSyncBody(frames: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const frame of frames) size += 4 + frame.byteLength;
  const body = new Uint8Array(size);
  const view = new DataView(body.buffer);
  let at = 0;
  for (const frame of frames) {
    view.setUint32(at, frame.byteLength);
    body.set(frame, at + 4);
    at += 4 + frame.byteLength;
  }
  return body;
}

/** Splits a sync request body; `undefined` when it is malformed or a frame exceeds `maxFrame` bytes. */
export function decodeSyncBody(body: Uint8Array, maxFrame: number): Uint8Array[] | undefined {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < body.byteLength) {
    if (body.byteLength - at < 4) return undefined;
    const length = view.getUint32(at);
    at += 4;
    if (length === 0 || length > maxFrame || length > body.byteLength - at) return undefined;
    frames.push(body.subarray(at, at + length));
    at += length;
  }
  return frames.length > 0 ? frames : undefined;
}

/** Frame limit on the wire for a given message limit (frame prefixes add a few bytes). */
export function frameLimitFor(maxPayload: number): number {
  return maxPayload + 16;
}
