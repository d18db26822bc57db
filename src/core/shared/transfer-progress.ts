/**
 * How far one large message has travelled (`withOptions({ onProgress })`, docs/api.md, "Progress"):
 * `bytes` of its encoded `total` were handed to the connection (`'upload'`) or have arrived
 * (`'download'`, an invoke's reply). Calls for one message have non-decreasing `bytes`, the last with
 * `bytes === total`.
 */
export interface TransferProgress {
  readonly phase: 'upload' | 'download';
  readonly bytes: number;
  readonly total: number;
}

export type ProgressListener = (progress: TransferProgress) => void;

/** Calls `listener`; what it throws surfaces on its own (uncaught), never in the connection's work. */
export function notifyProgress(
  listener: ProgressListener,
  phase: TransferProgress['phase'],
  bytes: number,
  total: number,
): void {
  try {
    listener({ phase, bytes, total });
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
