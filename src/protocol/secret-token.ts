/**
 * Secret tokens: 32 bytes from the platform CSPRNG, base64url (43 characters). Used for `<webview>`
 * guest tokens (the host page creates one per guest frame and registers it with main; the guest page
 * presents it when it connects) and for WebSocket connection keys (which authenticate sync requests).
 * Browser-safe (Web Crypto in browsers and Node >= 20).
 */
export const SECRET_TOKEN_LENGTH = 43;

const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ascii = new TextDecoder();

export function createSecretToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const chars = new Uint8Array(SECRET_TOKEN_LENGTH);
  let at = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const bits = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    for (let shift = 18; shift >= 0 && at < chars.length; shift -= 6) {
      chars[at++] = BASE64URL.charCodeAt((bits >> shift) & 63);
    }
  }
  // Decoded from bytes, the token is one flat string: `btoa(...).replace(...)` gave a slice that kept
  // the whole padded base64 alive beside it (96 B instead of 64 for each session's resume token).
  return ascii.decode(chars);
}

export function isSecretToken(value: unknown): value is string {
  return typeof value === 'string' && SECRET_TOKEN_PATTERN.test(value);
}
