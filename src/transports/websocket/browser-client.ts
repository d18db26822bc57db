import { endpointsFor } from './endpoints.js';
import { checkKeepaliveOptions, type KeepaliveOptions } from './keepalive.js';
import { SocketRendererTransport, type WebSocketLike } from './socket-renderer-transport.js';
import { createXhrSyncPoster } from './sync-xhr.js';
import {
  createConnectionKey,
  GUEST_PROTOCOL_PREFIX,
  KEY_PROTOCOL_PREFIX,
  limitProtocols,
  NEXT_GUEST_PROTOCOL_PREFIX,
  SUBPROTOCOL,
} from './wire.js';

/** What a `<webview>` guest presents at its handshake (see docs/webview.md). */
export interface GuestCredentials {
  /** The token its host registered for the frame. */
  readonly token: string;
  /** A fresh token for the next page in the same frame. */
  readonly successor: string;
}

/**
 * A browser page's transport to the server at `serverUrl`. The page generates its connection key,
 * offers it with the subprotocol at the handshake (it never appears in a URL), and uses it to
 * authenticate blocking `sendSync` calls on the sync endpoint, which works even before the socket opens.
 * A `<webview>` guest also offers its guest tokens there.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad URL or keepalive option (before the socket opens).
 */
export function createBrowserTransport(
  serverUrl: string,
  href: string,
  guest?: GuestCredentials,
  /** What the renderer accepts (its `limits.maxPayload`), announced at the handshake. */
  announcedMaxPayload?: number,
  keepalive: KeepaliveOptions = {},
): SocketRendererTransport {
  const endpoints = endpointsFor(serverUrl, href);
  checkKeepaliveOptions(keepalive);
  const key = createConnectionKey();
  const protocols = [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key, ...limitProtocols(announcedMaxPayload)];
  if (guest) {
    protocols.push(GUEST_PROTOCOL_PREFIX + guest.token, NEXT_GUEST_PROTOCOL_PREFIX + guest.successor);
  }
  const socket = new WebSocket(endpoints.socket, protocols);
  return new SocketRendererTransport(
    socket as unknown as WebSocketLike,
    createXhrSyncPoster(endpoints.sync, key),
    keepalive,
  );
}
