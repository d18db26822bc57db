import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BoundAddress {
  /** What `server.address()` returns now. */
  readonly current: () => AddressInfo | string | null;
  /** Stops following the server (removes the listeners). */
  readonly stop: () => void;
}

/**
 * The server's address, read once per `listen`: `server.address()` is a system call (getsockname,
 * ~2.5 µs), and the origin and host checks ask for it on every sync request and every upgrade.
 */
export function followAddress(server: HttpServer): BoundAddress {
  let known: AddressInfo | string | null = null;
  const listening = (): void => {
    known = server.address();
  };
  const closed = (): void => {
    known = null;
  };
  server.on('listening', listening);
  server.on('close', closed);
  return {
    current: () => (known ??= server.address()),
    stop: () => {
      server.off('listening', listening);
      server.off('close', closed);
    },
  };
}
