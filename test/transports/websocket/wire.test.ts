import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointsFor } from '../../../src/transports/websocket/endpoints.js';
import {
  createConnectionKey,
  decodeSyncBody,
  encodeSyncBody,
  isConnectionKey,
} from '../../../src/transports/websocket/wire.js';

describe('connection keys', () => {
  it('are 256 random bits in base64url, different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => createConnectionKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(isConnectionKey(key)).toBe(true);
    expect(isConnectionKey('A'.repeat(42))).toBe(false);
    expect(isConnectionKey(`${'A'.repeat(42)}=`)).toBe(false);
    expect(isConnectionKey(undefined)).toBe(false);
  });
});

describe('sync request body', () => {
  it('round-trips any list of frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 5 }),
        (frames) => {
          const decoded = decodeSyncBody(encodeSyncBody(frames), 64);
          expect(decoded?.map((frame) => Array.from(frame))).toEqual(
            frames.map((frame) => Array.from(frame)),
          );
        },
      ),
    );
  });

  it('rejects empty, truncated, zero-length and oversize frames', () => {
    expect(decodeSyncBody(new Uint8Array(0), 100)).toBeUndefined();
    expect(decodeSyncBody(new Uint8Array([0, 0, 0]), 100)).toBeUndefined();
    expect(decodeSyncBody(new Uint8Array([0, 0, 0, 5, 1, 2]), 100)).toBeUndefined();
    expect(decodeSyncBody(new Uint8Array([0, 0, 0, 0]), 100)).toBeUndefined();
    expect(decodeSyncBody(encodeSyncBody([new Uint8Array(101)]), 100)).toBeUndefined();
  });
});

describe('endpoints', () => {
  it('derive the socket and sync URLs from the server URL', () => {
    expect(endpointsFor('http://127.0.0.1:8080', 'http://127.0.0.1:8080/a?b')).toEqual({
      socket: 'ws://127.0.0.1:8080/ipc-anywhere/ws?href=http%3A%2F%2F127.0.0.1%3A8080%2Fa%3Fb',
      sync: 'http://127.0.0.1:8080/ipc-anywhere/sync',
    });
    expect(endpointsFor('wss://example.com/app/', 'x').sync).toBe('https://example.com/ipc-anywhere/sync');
    expect(() => endpointsFor('ftp://example.com', 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
    );
    expect(() => endpointsFor('not a url', 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
    );
  });
});
