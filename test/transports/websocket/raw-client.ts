import WebSocket from 'ws';
import type { IpcServer } from '../../../src/main.js';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  SUBPROTOCOL,
  WS_PATH,
} from '../../../src/transports/websocket/wire.js';

export interface RawClient {
  readonly socket: WebSocket;
  readonly key: string;
  /** Binary frames received so far (the first is main's hello). */
  readonly frames: Uint8Array[];
  /** Resolves with the close code and reason once the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next frame (or rejects after `ms`). */
  nextFrame(ms?: number): Promise<Uint8Array>;
}

/**
 * A hand-driven client of the server, speaking the transport's handshake but nothing else: tests use it
 * to send what no honest renderer would.
 */
export function rawClient(
  server: IpcServer,
  options: { origin?: string; key?: string; protocols?: string[]; href?: string } = {},
): Promise<RawClient> {
  const key = options.key ?? createConnectionKey();
  const url = `${server.url.replace('http', 'ws')}${WS_PATH}?href=${encodeURIComponent(options.href ?? 'test://raw')}`;
  const socket = new WebSocket(url, options.protocols ?? [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key], {
    ...(options.origin !== undefined && { origin: options.origin }),
  });
  const frames: Uint8Array[] = [];
  const waiters: ((frame: Uint8Array) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data);
    frames.push(frame);
    waiters.shift()?.(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  let seen = 0;
  const client: RawClient = {
    socket,
    key,
    frames,
    closed,
    nextFrame(ms = 2_000) {
      if (frames.length > seen) return Promise.resolve(frames[seen++]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame from main')), ms);
        waiters.push((frame) => {
          clearTimeout(timer);
          seen++;
          resolve(frame);
        });
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}
