import { isIpcError } from '../../protocol/errors.js';
import type { LogFields, Logger } from '../../transports/transport.js';

export type { LogFields, Logger, LogMethod } from '../../transports/transport.js';

/** How much main reports, from nothing to everything; each level includes the ones before it. */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** A logger in `console`'s style: the message first, then anything else to print beside it. */
export interface ConsoleStyleLogger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  debug?(...args: unknown[]): void;
}

/**
 * Adapts a console-style logger (`logger.error(message, error)`) to {@link Logger}: it gets the message,
 * then `fields.err` when there is one, as `console` printed them before loggers were structured. The
 * other fields are left out: every message already names its renderer and channel in words.
 * @example
 * createMain({ logger: consoleStyle(myLegacyLogger) });
 */
export function consoleStyle(target: ConsoleStyleLogger): Logger {
  const print = (level: 'error' | 'warn' | 'info' | 'debug', fields: LogFields, message: string): void => {
    if (fields.err === undefined) target[level]?.(message);
    else target[level]?.(`${message}:`, fields.err);
  };
  return {
    error: (fields, message) => print('error', fields, message),
    warn: (fields, message) => print('warn', fields, message),
    info: (fields, message) => print('info', fields, message),
    debug: (fields, message) => print('debug', fields, message),
  };
}

/** The default: `console`, looked up at call time so test spies installed later still see the output. */
export const consoleLogger: Logger = consoleStyle({
  error: (...args) => console.error(...args),
  warn: (...args) => console.warn(...args),
  info: (...args) => console.info(...args),
  debug: (...args) => console.debug(...args),
});

/**
 * The logger to call for what the user gave: none and `console` itself mean the console adapter (the
 * library cannot tell a console-style logger from a structured one by its shape, but it knows `console`).
 */
export function resolveLogger(logger: Logger | undefined): Logger {
  return logger === undefined || logger === (globalThis.console as unknown) ? consoleLogger : logger;
}

/**
 * The logger a main world hands to everything it creates: one object for the world's whole life, so
 * {@link LevelledLogger.set} (`setLogger`) reaches servers and sessions created before it. Lines below
 * the level are dropped here, before the user's logger is called.
 */
export class LevelledLogger implements Required<Logger> {
  #target: Logger;
  #rank: number;

  constructor(logger?: Logger, level: LogLevel = DEFAULT_LOG_LEVEL) {
    this.#target = resolveLogger(logger);
    this.#rank = LOG_LEVELS.indexOf(level);
  }

  /** Replaces the logger (when given) and the level (when given). */
  set(logger: Logger | undefined, level: LogLevel | undefined): void {
    if (logger !== undefined) this.#target = resolveLogger(logger);
    if (level !== undefined) this.#rank = LOG_LEVELS.indexOf(level);
  }

  get level(): LogLevel {
    return LOG_LEVELS[this.#rank]!;
  }

  error(fields: LogFields, message: string): void {
    if (this.#rank >= 1) this.#target.error(fields, message);
  }

  warn(fields: LogFields, message: string): void {
    if (this.#rank >= 2) this.#target.warn(fields, message);
  }

  info(fields: LogFields, message: string): void {
    if (this.#rank >= 3) this.#target.info?.(fields, message);
  }

  debug(fields: LogFields, message: string): void {
    if (this.#rank >= 4) this.#target.debug?.(fields, message);
  }
}

/** The `ERR_IPC_*` code of what went wrong, for a log line's `code` field; none for a foreign error. */
export function codeOf(error: unknown): string | undefined {
  return isIpcError(error) ? error.code : undefined;
}
