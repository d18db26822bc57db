import { codeInErrorText, IpcError } from '../../protocol/errors.js';
import { type RendererToMainScriptResult, ScriptOutcome } from '../../protocol/messages.js';

interface PendingScript {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * `webContents.executeJavaScript` calls waiting for their page: ids per connection and monotonic;
 * a result whose id matches no call is counted and dropped, never trusted. They live as long as the
 * session (as in Electron there is no deadline: a script may await the user); its end rejects them.
 */
export class PageScripts {
  #nextId = 0;
  readonly #pending = new Map<number, PendingScript>();
  /** Results that matched no pending call. */
  unknownResults = 0;

  /** A new call: its id for the message, and the promise its result settles. */
  start(): { id: number; result: Promise<unknown> } {
    this.#nextId += 1;
    const id = this.#nextId;
    const result = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    return { id, result };
  }

  /** The call could not be sent: it rejects with `error` at once. */
  fail(id: number, error: unknown): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    pending?.reject(error);
  }

  settle(message: RendererToMainScriptResult): void {
    const pending = this.#pending.get(message.id);
    if (!pending) {
      this.unknownResults += 1;
      return;
    }
    this.#pending.delete(message.id);
    if (message.outcome === ScriptOutcome.Failed) pending.reject(errorFromText(message.error));
    else if (message.outcome === ScriptOutcome.Resolved) pending.resolve(message.value);
    else pending.reject(message.value);
  }

  rejectAll(error: IpcError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }

  get size(): number {
    return this.#pending.size;
  }
}

/** A page's failure text (`Error: [ERR_IPC_...] message` for ours) as the error main's caller gets. */
function errorFromText(text: string): Error {
  const code = codeInErrorText(text);
  if (code === undefined) return new Error(text.replace(/^Error: /, ''));
  return new IpcError(code, text.slice(`Error: [${code}] `.length));
}
