import { IpcError, IpcErrorCode } from '../../protocol/errors.js';

/**
 * A deadline must be a number of ms above 0 (`Infinity`: none). Transports treated 0 and negative
 * numbers differently (no deadline, or an immediate timeout), so they are refused everywhere instead.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkDeadline(name: string, value: unknown): void {
  if (value === undefined || (typeof value === 'number' && value > 0)) return;
  throw new IpcError(
    IpcErrorCode.InvalidArgument,
    `${name} must be a number of milliseconds above 0, or Infinity for no deadline (got ${String(value)}).`,
  );
}

/** Checks the default deadlines a connection is given (before anything is opened). */
export function checkDeadlines(options: { invokeTimeout?: unknown; sendSyncTimeout?: unknown }): void {
  checkDeadline('invokeTimeout', options.invokeTimeout);
  checkDeadline('sendSyncTimeout', options.sendSyncTimeout);
}
