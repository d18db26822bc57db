/**
 * Secret tokens: 32 bytes from the platform CSPRNG, base64url (43 characters). Used for `<webview>`
 * guest tokens (the host page creates one per guest frame and registers it with main; the guest page
 * presents it when it connects) and for WebSocket connection keys (which authenticate sync requests).
 * Browser-safe (Web Crypto in browsers and Node >= 20).
 */
export const SECRET_TOKEN_LENGTH = 43;

const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createSecretToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function isSecretToken(value: unknown): value is string {
  return typeof value === 'string' && SECRET_TOKEN_PATTERN.test(value);
}
