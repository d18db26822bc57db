/*
 * Run-time checks for the options objects the public API takes. TypeScript catches a wrong option in
 * typed code; JavaScript callers, JSON configs and `as any` do not get that help, and a wrong value
 * used to be ignored or misread (a string `allowedOrigins` was substring-matched). Every check throws
 * ERR_IPC_INVALID_ARGUMENT with a message that names the option and says what it accepts.
 */

import { IpcError, IpcErrorCode } from './errors.js';

/** Timers cannot wait longer (a larger delay fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function invalid(message: string): IpcError {
  return new IpcError(IpcErrorCode.InvalidArgument, message);
}

/** A short, readable rendering of what the caller passed. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/**
 * The options argument itself: `undefined` or a plain object (not an array, not null).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkOptionsObject(where: string, options: unknown): asserts options is object | undefined {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid(`${where}: options must be an object (got ${describeValue(options)}).`);
  }
}

/**
 * Refuses option names nobody reads: a typo (`statc`) would otherwise silently leave the default in
 * place. A name close to a known one is suggested.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkOptionNames(
  where: string,
  options: object | undefined,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) return;
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const hint = hints[name];
    const near = hint === undefined ? closest(name, known) : undefined;
    throw invalid(
      `${where}: unknown option '${name}'${
        hint !== undefined ? `: ${hint}` : near !== undefined ? `; did you mean '${near}'?` : ''
      } (known options: ${known.join(', ')}).`,
    );
  }
}

/** The known name within a small edit distance of `name` (typos, wrong case), if there is one. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (names are short: the quadratic table is a few hundred cells). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A whole number of bytes from `min` up; `Infinity` only where `allowInfinity` (a bound turned off).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkByteCount(
  name: string,
  value: unknown,
  { min = 0, max = Number.MAX_SAFE_INTEGER, allowInfinity = false } = {},
): void {
  if (value === undefined) return;
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return;
  throw invalid(
    `${name} must be a whole number of bytes from ${min} to ${max}${
      allowInfinity ? ', or Infinity for no bound' : ''
    } (got ${describeValue(value)}).`,
  );
}

/**
 * An interval in ms where `0` turns the feature off (a heartbeat): from 0 to {@link MAX_TIMER_MS}.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkInterval(name: string, value: unknown, zeroMeans: string): void {
  if (value === undefined) return;
  if (typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS) return;
  throw invalid(
    `${name} must be a number of milliseconds from 0 (${zeroMeans}) to ${MAX_TIMER_MS} (got ${describeValue(value)}).`,
  );
}

/**
 * A TCP port: a whole number from 0 (any free port) to 65535.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkPort(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return;
  throw invalid(
    `${name} must be a whole number from 0 (any free port) to 65535 (got ${describeValue(value)}).`,
  );
}

/**
 * A non-empty string without NUL characters (a file path).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkNonEmptyString(name: string, value: unknown, what: string): asserts value is string {
  if (typeof value === 'string' && value.length > 0 && !value.includes('\0')) return;
  throw invalid(`${name} must be ${what} (got ${describeValue(value)}).`);
}

/**
 * A host name or IP address to listen on or to accept in `Host` headers.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkHostName(name: string, value: unknown): void {
  if (value === undefined) return;
  if (
    typeof value === 'string' &&
    /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[^\s/?#@:[\]]+)$/.test(value)
  )
    return;
  throw invalid(
    `${name} must be a host name or IP address such as 'localhost', '127.0.0.1' or '::1', without scheme, port or path (got ${describeValue(value)}).`,
  );
}

/**
 * A boolean.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkBoolean(name: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw invalid(`${name} must be true or false (got ${describeValue(value)}).`);
}

/**
 * A function (a callback or predicate); `signature` says what it is called with.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkFunction(name: string, value: unknown, signature: string): void {
  if (value === undefined || typeof value === 'function') return;
  throw invalid(`${name} must be a function ${signature} (got ${describeValue(value)}).`);
}

/**
 * A logger: an object with `error` and `warn` functions called `(fields, message)`, pino/bunyan style,
 * or `console` itself; `info` and `debug`, when present, must be functions too.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkLogger(name: string, value: unknown): void {
  if (value === undefined) return;
  const logger = value as Record<string, unknown> | null;
  if (
    typeof logger === 'object' &&
    logger !== null &&
    typeof logger.error === 'function' &&
    typeof logger.warn === 'function' &&
    (logger.info === undefined || typeof logger.info === 'function') &&
    (logger.debug === undefined || typeof logger.debug === 'function')
  )
    return;
  throw invalid(
    `${name} must be an object with error(fields, message) and warn(fields, message) functions, such as a pino logger or console; wrap a console-style logger as consoleStyle(logger) (got ${describeValue(value)}).`,
  );
}

/**
 * One of `levels` (a log level such as `'warn'`).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkLogLevel(name: string, value: unknown, levels: readonly string[]): void {
  if (value === undefined || (typeof value === 'string' && levels.includes(value))) return;
  throw invalid(
    `${name} must be one of ${levels.map((level) => `'${level}'`).join(', ')} (got ${describeValue(value)}).`,
  );
}

/**
 * The canonical form of a web origin (`scheme://host[:port]`, lower case, default port dropped), or
 * `undefined` when `text` is not one (a path, a query, user info, a wildcard, `null`).
 */
export function canonicalOrigin(text: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#@\s\\]+)\/?$/.exec(text);
  if (!match) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.origin !== 'null') return url.origin;
  // Schemes without a URL-standard origin (chrome-extension://<id>, app://...) are kept as written.
  return `${match[1]!.toLowerCase()}://${match[2]!.toLowerCase()}`;
}

/**
 * Page origins the server accepts: one origin as a string, a list of them, or a predicate. A string is
 * exactly that origin, never a pattern.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkAllowedOrigins(name: string, value: unknown): void {
  if (value === undefined || typeof value === 'function') return;
  const entries = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!entries) {
    throw invalid(
      `${name} must be an origin ('https://app.example'), a list of origins, or a function (origin) => boolean (got ${describeValue(value)}).`,
    );
  }
  for (const entry of entries) {
    if (typeof entry === 'string' && canonicalOrigin(entry) !== undefined) continue;
    const why =
      entry === '*'
        ? '; to accept every origin, pass a function: () => true (and think twice: any website could connect)'
        : entry === 'null'
          ? "; the 'null' origin is shared by every sandboxed frame and file:// page on any site: use a function if you really mean it"
          : '; an origin is scheme://host[:port], with no path';
    throw invalid(`${name}: ${describeValue(entry)} is not an origin${why}.`);
  }
}

/**
 * A deadline: ms above 0, or `Infinity` for none (0 and negative numbers are refused everywhere:
 * transports used to read them differently).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkTimeout(name: string, value: unknown): void {
  if (value === undefined || (typeof value === 'number' && value > 0)) return;
  throw invalid(
    `${name} must be a number of milliseconds above 0, or Infinity for no deadline (got ${describeValue(value)}).`,
  );
}
