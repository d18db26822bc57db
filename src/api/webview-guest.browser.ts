import { createSecretToken, isSecretToken } from '../protocol/secret-token.js';
import type { GuestCredentials } from '../transports/websocket/browser-client.js';

/**
 * A host names each `<webview>` frame `ipc-anywhere-guest:<token>`. The page loaded into the frame reads
 * it from `window.name`, which only that page (and pages loaded into the same frame later) can read, even
 * across origins, and which never appears in a URL.
 */
export const GUEST_NAME_PREFIX = 'ipc-anywhere-guest:';

/**
 * When this page was loaded into a `<webview>` frame, the tokens to present at the handshake: the one
 * in `window.name`, and a fresh one for the next page in the frame, which replaces it in `window.name`
 * at once (the old one works only once). `undefined` for a page that is not in a frame or has no token.
 */
export function takeGuestCredentials(): GuestCredentials | undefined {
  const view = globalThis as { name?: unknown; parent?: unknown; window?: unknown };
  if (typeof view.name !== 'string' || view.window !== globalThis || view.parent === globalThis) {
    return undefined;
  }
  if (!view.name.startsWith(GUEST_NAME_PREFIX)) return undefined;
  const token = view.name.slice(GUEST_NAME_PREFIX.length);
  if (!isSecretToken(token)) return undefined;
  const successor = createSecretToken();
  view.name = GUEST_NAME_PREFIX + successor;
  return { token, successor };
}
