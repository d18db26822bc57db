import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { SYNC_PATH, WS_PATH } from './wire.js';

/** Where a client connects, derived from the server's URL (`http(s)://` or `ws(s)://`, any path). */
export interface Endpoints {
  /** The WebSocket URL, with the page URL in `href`. */
  readonly socket: string;
  /** The sync endpoint (http or https). */
  readonly sync: string;
}

export function endpointsFor(serverUrl: string, href: string): Endpoints {
  let base: URL;
  try {
    base = new URL(serverUrl);
  } catch {
    throw new IpcError(IpcErrorCode.InvalidArgument, `connect: '${serverUrl}' is not a URL.`);
  }
  const secure = base.protocol === 'https:' || base.protocol === 'wss:';
  if (!secure && base.protocol !== 'http:' && base.protocol !== 'ws:') {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `connect: expected an http(s) or ws(s) URL, got '${serverUrl}'.`,
    );
  }
  const socket = new URL(WS_PATH, base);
  socket.protocol = secure ? 'wss:' : 'ws:';
  socket.searchParams.set('href', href);
  const sync = new URL(SYNC_PATH, base);
  sync.protocol = secure ? 'https:' : 'http:';
  return { socket: socket.href, sync: sync.href };
}
