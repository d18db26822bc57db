import { IpcError, IpcErrorCode, isIpcError } from '../protocol/errors.js';
import type { BatchWriter } from './cluster-wire.js';

interface PendingCall {
  readonly node: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * `executeJavaScript` on renderers of other processes: calls numbered here, answered by the process
 * that holds the page, and rejected when no answer can come (that process left, or Redis was lost).
 */
export class RemoteCalls {
  readonly #calls = new Map<number, PendingCall>();
  #next = 1;

  /** Writes call `code` for renderer `target` of `node` into `batch`; resolves with its answer. */
  start(
    batch: BatchWriter,
    node: string,
    target: number,
    code: string,
    userGesture: boolean,
  ): Promise<unknown> {
    const call = this.#next++;
    batch.call(call, target, code, userGesture);
    return new Promise((resolve, reject) => this.#calls.set(call, { node, resolve, reject }));
  }

  /** Process `node` answered `call`. */
  settle(node: string, call: number, ok: boolean, value: unknown, errorCode: string): void {
    const pending = this.#calls.get(call);
    if (!pending || pending.node !== node) return;
    this.#calls.delete(call);
    if (ok) pending.resolve(value);
    else pending.reject(errorOf(value, errorCode));
  }

  /** Rejects the calls waiting for `node` (every call when `node` is undefined). */
  end(node: string | undefined, error: IpcError): void {
    for (const [call, pending] of this.#calls) {
      if (node !== undefined && pending.node !== node) continue;
      this.#calls.delete(call);
      pending.reject(error);
    }
  }
}

/**
 * Writes the answer to another process's call into `batch`. A result that cannot be cloned rejects the
 * call with that error instead, as it would locally.
 */
export function writeAnswer(batch: BatchWriter, call: number, ok: boolean, value: unknown): void {
  try {
    batch.result(call, ok, value, ok ? '' : codeOf(value));
  } catch (error) {
    batch.result(call, false, error, codeOf(error));
  }
}

/** The calls waiting for `node` when it leaves. */
export function nodeLeft(node: string): IpcError {
  return new IpcError(IpcErrorCode.Closed, `Main process ${node} left the cluster before it answered.`);
}

function codeOf(error: unknown): string {
  return isIpcError(error) ? error.code : '';
}

/** The error an answer carries: ours keep their code (structured clone keeps only name, message, stack). */
function errorOf(value: unknown, errorCode: string): unknown {
  if (errorCode === '' || !(value instanceof Error)) return value;
  const error = new IpcError(errorCode as IpcErrorCode, value.message);
  if (value.stack !== undefined) error.stack = value.stack;
  return error;
}
