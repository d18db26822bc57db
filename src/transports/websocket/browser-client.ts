import { endpointsFor } from './endpoints.js';
import { SocketRendererTransport, type WebSocketLike } from './socket-renderer-transport.js';
import { createXhrSyncPoster } from './sync-xhr.js';
import { createConnectionKey, KEY_PROTOCOL_PREFIX, SUBPROTOCOL } from './wire.js';

/**
 * A browser page's transport to the server at `serverUrl`. The page generates its connection key,
 * offers it with the subprotocol at the handshake (it never appears in a URL), and uses it to
 * authenticate blocking `sendSync` calls on the sync endpoint, which works even before the socket opens.
 */
export function createBrowserTransport(serverUrl: string, href: string): SocketRendererTransport {
  const endpoints = endpointsFor(serverUrl, href);
  const key = createConnectionKey();
  const socket = new WebSocket(endpoints.socket, [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + key]);
  return new SocketRendererTransport(
    socket as unknown as WebSocketLike,
    createXhrSyncPoster(endpoints.sync, key),
  );
}
