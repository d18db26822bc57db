import { EventEmitter } from 'events';
import { handlerTypeMessage, secondHandlerMessage } from '../shared/electron-texts.js';
import type { IpcMainInvokeEvent } from './main-events.js';

export type InvokeHandler = (event: IpcMainInvokeEvent, ...args: any[]) => unknown;

/** Invoke handlers per emitter, created by the first handle() (most renderers' `ipc` never gets one). */
const handlers = new WeakMap<IpcMain, Map<string, InvokeHandler>>();

/** One shared no-op: a closure per instance cost ~100 B for each connected renderer. */
const ignoreError = (): void => {};

/** The handler registered for `channel` on `emitter`, if any (used by the dispatch cascade). */
export function invokeHandlerOf(emitter: IpcMain, channel: string): InvokeHandler | undefined {
  return handlers.get(emitter)?.get(channel);
}

/** Every channel with a handler, for the testing helpers. */
export function invokeChannelsOf(emitter: IpcMain): string[] {
  return [...(handlers.get(emitter)?.keys() ?? [])];
}

/**
 * Electron's `IpcMain`: a Node EventEmitter whose events are channels, plus invoke handlers. Every
 * instance starts with a no-op `'error'` listener, as in Electron, so a renderer sending on the
 * `'error'` channel cannot crash the main process.
 */
export class IpcMain extends EventEmitter {
  constructor() {
    super();
    this.on('error', ignoreError);
  }

  /**
   * Answers `ipcRenderer.invoke(channel, ...args)`; the returned value (or Promise) is the result.
   * @throws Error `Attempted to register a second handler for '<channel>'`
   * @throws TypeError `Expected handler to be a function, but found type '<type>'`
   */
  handle(channel: string, handler: InvokeHandler): void {
    let table = handlers.get(this);
    if (table?.has(channel)) throw new Error(secondHandlerMessage(channel));
    if (typeof handler !== 'function') throw new TypeError(handlerTypeMessage(handler));
    if (table === undefined) handlers.set(this, (table = new Map()));
    table.set(channel, handler);
  }

  /** Like {@link handle}, but the handler is removed before its first call. */
  handleOnce(channel: string, handler: InvokeHandler): void {
    // Electron wraps first and so accepts a non-function here; failing early is the safer reading.
    if (!handlers.get(this)?.has(channel) && typeof handler !== 'function') {
      throw new TypeError(handlerTypeMessage(handler));
    }
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return handler(event, ...args);
    });
  }

  /** Removes the handler for `channel`, if any. */
  removeHandler(channel: string): void {
    handlers.get(this)?.delete(channel);
  }
}
