import { IpcError, IpcErrorCode } from '../protocol/errors.js';

/*
 * What typedIpcMain and typedIpcRenderer share at run time: reporting a validator's refusal, and the
 * Proxy view that replaces a few methods of the wrapped object (args-validator.ts runs the validators).
 */

/** The text of whatever a validator threw. */
export function reasonOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return '(the error could not be converted to a string)';
  }
}

/** `ERR_IPC_INVALID_ARGUMENT` for arguments a validator refused; `cause` is what it threw. */
export function invalidArgumentsError(channel: string, error: unknown): IpcError {
  return new IpcError(
    IpcErrorCode.InvalidArgument,
    `Invalid arguments for channel '${channel}': ${reasonOf(error)}`,
    { cause: error },
  );
}

/**
 * A Proxy over `target` that answers `overrides` first; its other methods run on `target` itself
 * (private fields keep working), and those that return `target` for chaining return the view.
 */
export function overlay<T extends object>(target: T, overrides: ReadonlyMap<PropertyKey, unknown>): T {
  const view: T = new Proxy(target, {
    get(object, key) {
      if (overrides.has(key)) return overrides.get(key);
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(object, args);
        return result === object ? view : result;
      };
    },
  });
  return view;
}
