import { endpointsFor } from './endpoints.js';
import { checkKeepaliveOptions } from './keepalive.js';
import { checkReconnectOptions } from './reconnect.js';
import {
  SocketRendererTransport,
  type SocketTransportOptions,
  type WebSocketLike,
} from './socket-renderer-transport.js';
import { createXhrSyncPoster } from './sync-xhr.js';
import {
  createConnectionKey,
  GUEST_PROTOCOL_PREFIX,
  KEY_PROTOCOL_PREFIX,
  limitProtocols,
  NEXT_GUEST_PROTOCOL_PREFIX,
  RESUMABLE_PROTOCOL,
  resumeProtocols,
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
  options: SocketTransportOptions = {},
): SocketRendererTransport {
  const endpoints = endpointsFor(serverUrl, href);
  checkKeepaliveOptions(options);
  checkReconnectOptions(options);
  const key = createConnectionKey();
  const protocols = [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key, ...limitProtocols(announcedMaxPayload)];
  if (options.reconnect !== false) protocols.push(...resumeProtocols(undefined));
  // A guest's tokens are used up by its first connection; a resumed one is known by its key.
  const firstProtocols = guest
    ? [...protocols, GUEST_PROTOCOL_PREFIX + guest.token, NEXT_GUEST_PROTOCOL_PREFIX + guest.successor]
    : protocols;
  return new SocketRendererTransport(
    (offer) =>
      new WebSocket(
        endpoints.socket,
        offer
          ? [...protocols.filter((p) => p !== RESUMABLE_PROTOCOL), ...resumeProtocols(offer)]
          : firstProtocols,
      ) as unknown as WebSocketLike,
    createXhrSyncPoster(endpoints.sync, key),
    options,
  );
}
