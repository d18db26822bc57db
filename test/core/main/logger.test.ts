import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  consoleLogger,
  consoleStyle,
  LevelledLogger,
  LOG_LEVELS,
  type Logger,
  resolveLogger,
} from '../../../src/core/main/logger.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function recording() {
  return { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
}

describe('consoleStyle', () => {
  it('prints the message, then ":" and the error when there is one, as console printed them', () => {
    const target = recording();
    const logger = consoleStyle(target);
    const error = new Error('boom');
    logger.error({ err: error, channel: 'ch', webContentsId: 3 }, "Error occurred in handler for 'ch'");
    logger.warn({ code: 'ERR_IPC_REFUSED', webContentsId: 3 }, 'ipc-anywhere: refused.');
    logger.info?.({}, 'info line');
    logger.debug?.({ err: 0 }, 'debug line');
    expect(target.error.mock.calls).toEqual([["Error occurred in handler for 'ch':", error]]);
    expect(target.warn.mock.calls).toEqual([['ipc-anywhere: refused.']]);
    expect(target.info.mock.calls).toEqual([['info line']]);
    // A falsy thrown value is still an error to print.
    expect(target.debug.mock.calls).toEqual([['debug line:', 0]]);
  });

  it('skips info and debug when the target has none', () => {
    const target = { error: vi.fn(), warn: vi.fn() };
    const logger = consoleStyle(target);
    expect(() => logger.info?.({}, 'x')).not.toThrow();
    expect(() => logger.debug?.({}, 'x')).not.toThrow();
    expect(target.error).not.toHaveBeenCalled();
    expect(target.warn).not.toHaveBeenCalled();
  });
});

describe('consoleLogger and resolveLogger', () => {
  it('looks console up at call time, so a spy installed later sees the line', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = new TypeError('late');
    consoleLogger.error({ err: error }, 'ipc-anywhere: request failed');
    expect(spy).toHaveBeenCalledWith('ipc-anywhere: request failed:', error);
  });

  it('maps none and console itself to the console adapter, and keeps a structured logger as it is', () => {
    const structured: Logger = { error() {}, warn() {} };
    expect(resolveLogger(undefined)).toBe(consoleLogger);
    expect(resolveLogger(console as unknown as Logger)).toBe(consoleLogger);
    expect(resolveLogger(structured)).toBe(structured);
  });
});

describe('LevelledLogger', () => {
  const methods = ['error', 'warn', 'info', 'debug'] as const;

  it('passes a line on exactly when its level is at or above the threshold', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOG_LEVELS),
        fc.array(fc.constantFrom(...methods), { maxLength: 12 }),
        (level, calls) => {
          const target = recording();
          const logger = new LevelledLogger(target, level);
          for (const method of calls) logger[method]({ code: 'ERR_IPC_X' }, method);
          const rank = LOG_LEVELS.indexOf(level);
          for (const method of methods) {
            const expected = calls.filter((m) => m === method && LOG_LEVELS.indexOf(m) <= rank).length;
            expect(target[method]).toHaveBeenCalledTimes(expected);
          }
        },
      ),
    );
  });

  it("defaults to 'warn' and to console", () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logger = new LevelledLogger();
    expect(logger.level).toBe('warn');
    logger.warn({}, 'to console');
    expect(spy).toHaveBeenCalledWith('to console');
  });

  it("calls the target's methods on the target (pino's methods need their this)", () => {
    class Bound {
      readonly seen: string[] = [];
      error(_fields: object, message: string): void {
        this.seen.push(message);
      }
      warn(_fields: object, message: string): void {
        this.seen.push(message);
      }
      info(_fields: object, message: string): void {
        this.seen.push(message);
      }
    }
    const target = new Bound();
    const logger = new LevelledLogger(target, 'debug');
    logger.error({}, 'e');
    logger.warn({}, 'w');
    logger.info({}, 'i');
    logger.debug({}, 'd'); // Bound has no debug: skipped
    expect(target.seen).toEqual(['e', 'w', 'i']);
  });

  it('set() replaces the logger and the level, each only when given', () => {
    const first = recording();
    const second = recording();
    const logger = new LevelledLogger(first, 'error');
    logger.set(second, undefined);
    logger.warn({}, 'dropped: still error');
    logger.error({}, 'to second');
    logger.set(undefined, 'warn');
    logger.warn({}, 'warn to second');
    expect(first.error).not.toHaveBeenCalled();
    expect(second.error).toHaveBeenCalledWith({}, 'to second');
    expect(second.warn.mock.calls).toEqual([[{}, 'warn to second']]);
    expect(logger.level).toBe('warn');
  });
});
