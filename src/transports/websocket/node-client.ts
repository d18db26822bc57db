import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { endpointsFor } from './endpoints.js';
import { SocketRendererTransport, type WebSocketLike } from './socket-renderer-transport.js';
import { createConnectionKey, KEY_PROTOCOL_PREFIX, SUBPROTOCOL } from './wire.js';

export interface NodeTransportOptions {
  /** What main reports as `webContents.getURL()`. Default: this process's main script as a file URL. */
  href?: string;
  /** Sent as the `Origin` header (a server only accepts origins on its allow-list). Default: none. */
  origin?: string;
  /** Extra headers for the upgrade request (e.g. authentication for a proxy). */
  headers?: Record<string, string>;
  /** Largest frame accepted from main. Default: 64 MiB + framing. */
  maxPayload?: number;
}

/**
 * A Node process's transport to the server at `serverUrl`, over `ws`. There is no blocking path in
 * Node without spending a thread per call, so `sendSync` throws `ERR_IPC_SYNC_UNSUPPORTED`.
 */
export function createNodeTransport(
  serverUrl: string,
  options: NodeTransportOptions = {},
): SocketRendererTransport {
  const href = options.href ?? pathToFileURL(process.argv[1] ?? process.cwd()).href;
  const endpoints = endpointsFor(serverUrl, href);
  const socket = new WebSocket(endpoints.socket, [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + createConnectionKey()], {
    ...(options.origin !== undefined && { origin: options.origin }),
    ...(options.headers !== undefined && { headers: options.headers }),
    maxPayload: options.maxPayload ?? 64 * 1024 * 1024 + 16,
    perMessageDeflate: false,
  });
  return new SocketRendererTransport(socket as unknown as WebSocketLike);
}
