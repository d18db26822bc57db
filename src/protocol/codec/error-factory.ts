/**
 * Decoded Errors carry the sender's stack (or none), so capturing a stack for each one here is wasted
 * work, and it was most of the cost: `new Error()` captures one (4 µs on the reference machine) and
 * redefining `stack` over it cost 8 µs more, so 1 MB of three-byte Errors blocked the loop for 3.8 s.
 * Where the engine has `Error.stackTraceLimit` (V8), it is set to 0 around the constructor call, which
 * leaves a plain writable, non-enumerable own `stack` that a store replaces (0.5 µs in all).
 */
const E = Error as ErrorConstructor & { stackTraceLimit?: number };
const defineProperty = Object.defineProperty;

/** A new `Ctor` with `message` (none when undefined) and own non-enumerable `stack`, like V8's deserializer. */
export function createError(
  Ctor: ErrorConstructor,
  message: string | undefined,
  stack: string | undefined,
): Error {
  const saved = E.stackTraceLimit;
  let e: Error;
  if (typeof saved === 'number' && setStackTraceLimit(0)) {
    try {
      e = message === undefined ? new Ctor() : new Ctor(message);
    } finally {
      E.stackTraceLimit = saved;
    }
    if (Object.hasOwn(e, 'stack')) {
      e.stack = stack as string;
      return e;
    }
  } else {
    e = message === undefined ? new Ctor() : new Ctor(message);
  }
  defineProperty(e, 'stack', { value: stack, writable: true, enumerable: false, configurable: true });
  return e;
}

/** False when `Error.stackTraceLimit` cannot be set (a frozen, hardened realm). */
function setStackTraceLimit(limit: number): boolean {
  try {
    E.stackTraceLimit = limit;
    return true;
  } catch {
    return false;
  }
}
