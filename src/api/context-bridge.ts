/**
 * Electron's `contextBridge` for a page that has one JavaScript world. Exposed APIs are copied and frozen
 * by Electron's rules (see bridge-copy.ts), so code written for a context-isolated preload behaves the
 * same here; what one world cannot give is the isolation itself (docs/preload.md).
 * @packageDocumentation
 */
import { channelConversionMessage, EXISTING_PROPERTY_MESSAGE } from '../core/shared/electron-texts.js';
import { copyAcrossBridge, deepFreeze } from './bridge-copy.js';

/** Electron's main world; Electron's own isolated world (where preloads run) is 999. */
const MAIN_WORLD_ID = 0;

/** The argument of {@link ContextBridge.executeInMainWorld}. */
export interface ExecutionScript {
  /** Runs in the page's world; its arguments and result are copied as bridge values are. */
  func: (...args: any[]) => any;
  args?: any[];
}

/** Electron's `contextBridge`. */
export interface ContextBridge {
  /**
   * Puts a frozen copy of `api` on `window[apiKey]` (read-only, not configurable); functions in it
   * copy their arguments in and their results out.
   * @throws Error "Cannot bind an API on top of an existing property on the window object" when
   * `window[apiKey]` exists (ipc-anywhere's own `window.electron` and `window.ipcRenderer` give way).
   */
  exposeInMainWorld(apiKey: string, api: any): void;
  /**
   * World 0 is the main world. A page has no other world here: the copy is made and kept, but no
   * script can reach it.
   */
  exposeInIsolatedWorld(worldId: number, apiKey: string, api: any): void;
  /** Calls `func` with copies of `args`; returns a copy of its result. */
  executeInMainWorld(executionScript: ExecutionScript): any;
}

const BUILTIN_GLOBALS = Symbol.for('ipc-anywhere.builtin-globals');

/**
 * Defines a global that ipc-anywhere provides by default and a preload may replace (`window.electron`,
 * `window.ipcRenderer`): `exposeInMainWorld` treats the key as free while it still holds this value.
 * Shared through a registered symbol, so every bundled copy of this module sees the same registry.
 */
export function defineReplaceableGlobal(key: string, value: unknown): void {
  Object.defineProperty(globalThis, key, { value, writable: true, enumerable: true, configurable: true });
  builtinGlobals().set(key, value);
}

function builtinGlobals(): Map<string, unknown> {
  const scope = globalThis as Record<symbol, unknown>;
  if (!(scope[BUILTIN_GLOBALS] instanceof Map))
    Object.defineProperty(scope, BUILTIN_GLOBALS, { value: new Map<string, unknown>() });
  return scope[BUILTIN_GLOBALS] as Map<string, unknown>;
}

function isTaken(key: string): boolean {
  if (!(key in globalThis)) return false;
  const builtins = builtinGlobals();
  return !(builtins.has(key) && builtins.get(key) === (globalThis as Record<string, unknown>)[key]);
}

/** APIs exposed to worlds other than the main one, which nothing here can read. */
const isolatedWorlds = new Map<number, Map<string, unknown>>();

function checkKey(apiKey: unknown): asserts apiKey is string {
  // Electron's native binding takes (worldId, key, api): the key is argument 1 for both methods.
  if (typeof apiKey !== 'string') throw new TypeError(channelConversionMessage(apiKey, 1));
}

function frozenCopy(api: unknown): unknown {
  const copy = copyAcrossBridge(api);
  deepFreeze(copy);
  return copy;
}

function exposeInWorld(worldId: number, apiKey: string, api: unknown): void {
  if (worldId === MAIN_WORLD_ID) {
    if (isTaken(apiKey)) throw new Error(EXISTING_PROPERTY_MESSAGE);
    const copy = frozenCopy(api);
    builtinGlobals().delete(apiKey);
    Object.defineProperty(globalThis, apiKey, {
      value: copy,
      writable: false,
      enumerable: true,
      configurable: false,
    });
    return;
  }
  let world = isolatedWorlds.get(worldId);
  if (!world) isolatedWorlds.set(worldId, (world = new Map()));
  if (world.has(apiKey)) throw new Error(EXISTING_PROPERTY_MESSAGE);
  world.set(apiKey, frozenCopy(api));
}

export const contextBridge: ContextBridge = {
  exposeInMainWorld(apiKey: string, api: any): void {
    checkKey(apiKey);
    exposeInWorld(MAIN_WORLD_ID, apiKey, api);
  },
  exposeInIsolatedWorld(worldId: number, apiKey: string, api: any): void {
    if (typeof worldId !== 'number' || !Number.isInteger(worldId))
      throw new TypeError(channelConversionMessage(worldId, 0));
    checkKey(apiKey);
    exposeInWorld(worldId, apiKey, api);
  },
  executeInMainWorld(executionScript: ExecutionScript): any {
    const func = (executionScript as Partial<ExecutionScript> | null)?.func;
    if (typeof func !== 'function') throw new TypeError(channelConversionMessage(func, 0));
    const args = executionScript.args ?? [];
    if (!Array.isArray(args)) throw new TypeError(channelConversionMessage(args, 0));
    return copyAcrossBridge(func(...(copyAcrossBridge(args) as unknown[])));
  },
};
