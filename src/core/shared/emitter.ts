import { EventEmitter as EventsEmitter } from 'events';

/*
 * The EventEmitter that renderer-side objects (`ipcRenderer`, a preload's `process`) extend, in every
 * runtime: Node's own under Node, the `events` package in browser bundles. Its API is written out here
 * so that the package's declaration files do not import `events`: a browser project without Node's
 * types cannot resolve that import, and `ipcRenderer.on` would then be typed `any`.
 */

type Listener = (...args: any[]) => void;

/** Node's EventEmitter API, as `ipcRenderer` offers it (Electron's `IpcRenderer` is a `NodeJS.EventEmitter`). */
export interface Emitter {
  addListener(eventName: string | symbol, listener: Listener): this;
  on(eventName: string | symbol, listener: Listener): this;
  once(eventName: string | symbol, listener: Listener): this;
  prependListener(eventName: string | symbol, listener: Listener): this;
  prependOnceListener(eventName: string | symbol, listener: Listener): this;
  removeListener(eventName: string | symbol, listener: Listener): this;
  off(eventName: string | symbol, listener: Listener): this;
  removeAllListeners(eventName?: string | symbol): this;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
  listeners(eventName: string | symbol): Function[];
  rawListeners(eventName: string | symbol): Function[];
  emit(eventName: string | symbol, ...args: any[]): boolean;
  listenerCount(eventName: string | symbol, listener?: Function): number;
  eventNames(): (string | symbol)[];
}

/** The EventEmitter class, typed as {@link Emitter}. */
export const Emitter: new () => Emitter = EventsEmitter as unknown as new () => Emitter;
