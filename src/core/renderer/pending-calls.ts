import { IpcError, IpcErrorCode } from '../../protocol/errors.js';

interface Pending<T> {
  readonly label: string;
  resolve(value: T): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Calls waiting for a reply, keyed by a per-connection monotonic id. Every entry settles exactly once:
 * by its reply, by its deadline, or by `rejectAll` when the connection closes. Replies for unknown ids
 * (late, duplicated or forged) are dropped and counted, never trusted.
 */
export class PendingCalls<T> {
  readonly #calls = new Map<number, Pending<T>>();
  #lastId = 0;
  /** Replies that matched no pending call. */
  unknownReplies = 0;

  get size(): number {
    return this.#calls.size;
  }

  /** The label a pending call was registered with. */
  labelOf(id: number): string | undefined {
    return this.#calls.get(id)?.label;
  }

  nextId(): number {
    this.#lastId += 1;
    return this.#lastId;
  }

  /**
   * Registers `id` under `label` (the channel, for error texts); with a finite `timeoutMs`, rejects with
   * `ERR_IPC_TIMEOUT` when it passes.
   */
  add(id: number, timeoutMs: number, label: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending<T> = { label, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.#calls.delete(id);
          reject(new IpcError(IpcErrorCode.Timeout, `invoke('${label}') timed out after ${timeoutMs} ms.`));
        }, timeoutMs);
      }
      this.#calls.set(id, entry);
    });
  }

  resolve(id: number, value: T): boolean {
    const entry = this.#take(id);
    entry?.resolve(value);
    return entry !== undefined;
  }

  /** Rejects `id` with the error `makeError` builds from its label. */
  reject(id: number, makeError: (label: string) => unknown): boolean {
    const entry = this.#take(id);
    entry?.reject(makeError(entry.label));
    return entry !== undefined;
  }

  rejectAll(error: unknown): void {
    const entries = [...this.#calls.values()];
    this.#calls.clear();
    for (const entry of entries) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  #take(id: number): Pending<T> | undefined {
    const entry = this.#calls.get(id);
    if (entry === undefined) {
      this.unknownReplies += 1;
      return undefined;
    }
    this.#calls.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  }
}
