import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSecretToken, isSecretToken, SECRET_TOKEN_LENGTH } from '../../src/protocol/secret-token.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('secret tokens', () => {
  it('are the base64url of 32 random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (random) => {
        vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(
          <T extends ArrayBufferView>(array: T): T => {
            (array as unknown as Uint8Array).set(random);
            return array;
          },
        );
        const token = createSecretToken();
        expect(token).toBe(Buffer.from(random).toString('base64url'));
        expect(token).toHaveLength(SECRET_TOKEN_LENGTH);
        expect(isSecretToken(token)).toBe(true);
      }),
    );
  });

  it('differ from each other', () => {
    const tokens = new Set(Array.from({ length: 1000 }, createSecretToken));
    expect(tokens.size).toBe(1000);
  });

  it('refuse what is not one', () => {
    const token = createSecretToken();
    for (const value of [
      undefined,
      42,
      '',
      `${token}A`,
      token.slice(1),
      `${token.slice(1)}=`,
      `${token.slice(1)}+`,
    ]) {
      expect(isSecretToken(value), String(value)).toBe(false);
    }
  });
});
