/**
 * A `<webview>` guest token: 32 bytes from the platform CSPRNG, base64url (43 characters). The host page
 * creates one per guest frame and registers it with main; the guest page presents it when it connects.
 * Browser-safe (Web Crypto in browsers and Node >= 20).
 */
export const GUEST_TOKEN_LENGTH = 43;

const GUEST_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createGuestToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function isGuestToken(value: unknown): value is string {
  return typeof value === 'string' && GUEST_TOKEN_PATTERN.test(value);
}
