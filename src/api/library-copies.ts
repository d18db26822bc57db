import { consoleLogger, type Logger } from '../core/main/logger.js';
import { IpcErrorCode } from '../protocol/errors.js';

/*
 * Two installed copies of the library (an app and a dependency that pin different versions, a linked
 * package with its own node_modules) each have their own `ipcMain` singleton: handlers registered
 * through one are never seen by renderers connected through the other, and every invoke fails with
 * "No handler registered". Nothing else would tell why, so each copy signs in where every copy looks
 * (a key of the global symbol registry, shared by all module instances and bundles in one realm).
 */

/** The registry every copy of the library in this realm shares. */
interface Copies {
  /** Where each copy was loaded from, in load order. */
  readonly locations: string[];
  warned: boolean;
}

const COPIES_KEY = Symbol.for('ipc-anywhere.copies');

/** This copy's package folder (`file:///.../ipc-anywhere/`), as a path when it is a file. */
function thisCopy(): string {
  const root = new URL('../../', import.meta.url);
  return root.protocol === 'file:' ? decodeURIComponent(root.pathname) : root.href;
}

/**
 * Signs this copy in; the second copy to sign in logs one warning (`ERR_IPC_DUPLICATE_COPY`) naming
 * both locations. Later copies add themselves without another warning.
 */
export function registerLibraryCopy(logger: Logger = consoleLogger, location = thisCopy()): void {
  const global = globalThis as { [COPIES_KEY]?: Copies };
  const copies = (global[COPIES_KEY] ??= { locations: [], warned: false });
  copies.locations.push(location);
  if (copies.locations.length < 2 || copies.warned) return;
  copies.warned = true;
  const [first, second] = copies.locations;
  logger.warn(
    { code: IpcErrorCode.DuplicateCopy, locations: [first, second] },
    `ipc-anywhere: [${IpcErrorCode.DuplicateCopy}] a second copy of ipc-anywhere was loaded in this process (${first === second ? `${first}, loaded twice` : `${first} and ${second}`}). Each copy has its own ipcMain and webContents: handlers registered through one are not seen by renderers connected through the other (their invoke fails with "No handler registered"). Make every import resolve to one copy: see \`npm ls ipc-anywhere\`, then align the versions or run \`npm dedupe\`.`,
  );
}
