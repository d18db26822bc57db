import { IpcError, IpcErrorCode } from '../../protocol/errors.js';

/**
 * Refuses an options argument that is not an object or has a name the function does not know: a typo
 * such as `keepaliveIntreval` would otherwise be ignored in silence, leaving the default in force.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option.
 */
export function checkOptionNames(where: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `${where}: options must be an object (got ${options === null ? 'null' : typeof options}).`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `${where}: unknown option '${name}' (known options: ${known.join(', ')}).`,
      );
    }
  }
}
