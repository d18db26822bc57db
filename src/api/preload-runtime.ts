/**
 * Runs preload scripts the way Electron runs a sandboxed preload: as a function of `require`,
 * `process`, `exports`, `module`, `global`, `setImmediate` and `clearImmediate`, with a `require` that
 * knows `electron`, `events`, `timers` and `url` (also as `node:…`) and nothing else. A preload that
 * throws is reported on the console with Electron's text, and the next preload still runs.
 * @packageDocumentation
 */
import { EventEmitter } from 'events';
import type { ElectronModule } from './electron-api.js';
import type { PreloadProcess } from './process-shim.js';

type ImmediateFunctions = {
  setImmediate: (callback: (...args: any[]) => void, ...args: any[]) => unknown;
  clearImmediate: (handle: any) => void;
};

/** The body of a preload, as the server wraps it (see the `preload` option of `createServer`). */
export type PreloadBody = (
  require: (name: string) => unknown,
  process: PreloadProcess,
  exports: Record<string, unknown>,
  module: { exports: Record<string, unknown> },
  global: typeof globalThis,
  setImmediate: ImmediateFunctions['setImmediate'],
  clearImmediate: ImmediateFunctions['clearImmediate'],
) => void;

/** Runs one preload; `name` is the file's name, shown when it fails. */
export type PreloadRunner = (name: string, body: PreloadBody) => void;

/** Electron's text for a module a sandboxed preload cannot load. */
export function moduleNotFoundMessage(name: string): string {
  return `module not found: ${name}`;
}

/** Browsers have no `setImmediate`: the next macrotask is the closest. */
function immediateFunctions(): ImmediateFunctions {
  const scope = globalThis as Partial<ImmediateFunctions>;
  if (typeof scope.setImmediate === 'function' && typeof scope.clearImmediate === 'function') {
    return {
      setImmediate: scope.setImmediate.bind(globalThis),
      clearImmediate: scope.clearImmediate.bind(globalThis),
    };
  }
  return {
    setImmediate: (callback, ...args) => setTimeout(callback, 0, ...args),
    clearImmediate: (handle) => clearTimeout(handle),
  };
}

/** The `require` of preloads: Electron's sandboxed set. */
export function createPreloadRequire(electron: ElectronModule): (name: string) => unknown {
  const { setImmediate, clearImmediate } = immediateFunctions();
  const timers = {
    setTimeout: globalThis.setTimeout.bind(globalThis),
    clearTimeout: globalThis.clearTimeout.bind(globalThis),
    setInterval: globalThis.setInterval.bind(globalThis),
    clearInterval: globalThis.clearInterval.bind(globalThis),
    setImmediate,
    clearImmediate,
  };
  const url = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };
  const modules = new Map<string, unknown>([
    ['electron', electron],
    ['electron/renderer', electron],
    ['events', EventEmitter],
    ['timers', timers],
    ['url', url],
  ]);
  return function require(name: string): unknown {
    const bare = typeof name === 'string' ? name.replace(/^node:/, '') : name;
    // `node:` names only for Node's modules, as Electron's list has them.
    if (modules.has(bare) && (bare === name || !bare.startsWith('electron'))) return modules.get(bare);
    throw new Error(moduleNotFoundMessage(name));
  };
}

/** A runner for this page's preloads, all sharing one `require` and one `process`. */
export function createPreloadRunner(electron: ElectronModule, process: PreloadProcess): PreloadRunner {
  const require = createPreloadRequire(electron);
  const { setImmediate, clearImmediate } = immediateFunctions();
  return (name, body) => {
    const module = { exports: {} as Record<string, unknown> };
    try {
      body.call(
        undefined,
        require,
        process,
        module.exports,
        module,
        globalThis,
        setImmediate,
        clearImmediate,
      );
    } catch (error) {
      console.error(`Unable to load preload script: ${name}`);
      console.error(error);
    }
  };
}
