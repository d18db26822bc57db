/**
 * The shared memory a worker blocks on during `sendSync`: one Int32Array over a SharedArrayBuffer.
 *
 * - `Signal` is a counter main increments after it posts anything on the sync reply port (or closes).
 *   The worker reads it before looking at the port and waits only while it is unchanged, so a reply
 *   posted between its look and its wait is never missed. The counter says "look again", nothing more:
 *   which call a reply answers is decided by the call id carried with the reply.
 * - `Closed` becomes 1 when main closes the connection, so a blocked `sendSync` wakes with
 *   `ERR_IPC_CLOSED` instead of waiting for its deadline.
 */
export const SyncSlot = {
  Signal: 0,
  Closed: 1,
} as const;

const SLOTS = 2;

export function createSyncState(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/** Main: something was posted on the sync reply port (or the connection closed); wake the worker. */
export function signalWorker(state: Int32Array): void {
  Atomics.add(state, SyncSlot.Signal, 1);
  Atomics.notify(state, SyncSlot.Signal);
}

/** Main: the connection is closed; a blocked or later `sendSync` fails with `ERR_IPC_CLOSED`. */
export function markClosed(state: Int32Array): void {
  Atomics.store(state, SyncSlot.Closed, 1);
  signalWorker(state);
}

export function isClosed(state: Int32Array): boolean {
  return Atomics.load(state, SyncSlot.Closed) !== 0;
}
