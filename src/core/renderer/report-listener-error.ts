/**
 * Renderer side: a listener that throws must not stop the dispatch of the other messages in the same
 * frame; the error is re-thrown on its own so it surfaces as an uncaught exception, as it would in an
 * Electron renderer. (Main logs listener errors instead: see dispatch.ts.)
 */
export function reportListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
