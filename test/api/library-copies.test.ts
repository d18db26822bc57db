import { describe, expect, it, vi } from 'vitest';
import { registerLibraryCopy } from '../../src/api/library-copies.js';
import { IpcErrorCode } from '../../src/protocol/errors.js';

const KEY = Symbol.for('ipc-anywhere.copies');

describe('registerLibraryCopy', () => {
  it('warns once, at the second copy, naming both; later copies stay quiet', () => {
    const global = globalThis as Record<symbol, unknown>;
    const saved = global[KEY];
    delete global[KEY];
    try {
      const logger = { warn: vi.fn(), error: vi.fn() };
      registerLibraryCopy(logger, '/app/node_modules/ipc-anywhere/');
      expect(logger.warn).not.toHaveBeenCalled();
      registerLibraryCopy(logger, '/app/node_modules/plugin/node_modules/ipc-anywhere/');
      registerLibraryCopy(logger, '/third/');
      expect(logger.warn).toHaveBeenCalledTimes(1);
      const text = String(logger.warn.mock.calls[0]![1]);
      expect(text).toContain(`[${IpcErrorCode.DuplicateCopy}]`);
      expect(text).toContain(
        '/app/node_modules/ipc-anywhere/ and /app/node_modules/plugin/node_modules/ipc-anywhere/',
      );
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      global[KEY] = saved;
    }
  });
});
