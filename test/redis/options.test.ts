import { describe, expect, it } from 'vitest';
import { IpcErrorCode } from '../../src/protocol/errors.js';
import { resolveOptions } from '../../src/redis/options.js';
import { redisCluster } from '../../src/redis.js';

const invalid = expect.objectContaining({ code: IpcErrorCode.InvalidArgument });

describe('redisCluster options (src/redis/options.ts)', () => {
  it('fills in the documented defaults', () => {
    expect(resolveOptions({})).toEqual({
      url: undefined,
      prefix: 'ipc-anywhere',
      heartbeatInterval: 2_000,
      heartbeatTimeout: 8_000,
      maxBufferedBytes: 16 * 1024 * 1024,
      idBlockSize: 1_000,
      logger: undefined,
    });
  });

  it('refuses unknown names, wrong types, and a timeout shorter than two heartbeats', () => {
    expect(() => resolveOptions({ heartbeatIntervall: 5 } as never)).toThrow(/heartbeatInterval/);
    expect(() => resolveOptions({ url: 6379 } as never)).toThrow(invalid);
    expect(() => resolveOptions({ prefix: '' })).toThrow(invalid);
    expect(() => resolveOptions({ heartbeatInterval: -1 })).toThrow(invalid);
    expect(() => resolveOptions({ maxBufferedBytes: 10 })).toThrow(invalid);
    expect(() => resolveOptions({ idBlockSize: 0.5 })).toThrow(invalid);
    expect(() => resolveOptions({ logger: console.log } as never)).toThrow(invalid);
    expect(() => resolveOptions({ heartbeatInterval: 2_000, heartbeatTimeout: 3_000 })).toThrow(
      /at least twice/,
    );
    // redisCluster checks before it connects to anything.
    expect(() => redisCluster({ heartbeatTimeout: 1 })).toThrow(invalid);
  });
});
