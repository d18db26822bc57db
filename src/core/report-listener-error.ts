/**
 * A listener that throws must not stop the dispatch of the other listeners and messages in the same
 * frame; the error is re-thrown on its own so it surfaces as an uncaught exception, as it would in
 * Electron.
 */
export function reportListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
