/**
 * One page, one connection: the classic script (`/ipc-anywhere/renderer.js`) registers what it created
 * under a registered symbol, so that a bundle which imports `ipc-anywhere/renderer` (a preload built
 * with the `electron` alias) uses the page's `ipcRenderer` instead of connecting a second time, and so
 * that the served preloads find their runner. The symbol is shared by every copy of this module.
 * @packageDocumentation
 */
import type { ConnectionListener, IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import type { ConnectionState } from '../core/renderer/renderer-session.js';
import type { RendererTrafficListener } from '../core/renderer/renderer-traffic.js';
import type { ElectronModule } from './electron-api.js';
import type { PreloadRunner } from './preload-runtime.js';

/** Also written out by the server in each served preload (client-script.ts): keep the two equal. */
export const PAGE_RUNTIME_KEY = 'ipc-anywhere.page';

/** Bumped when the shape below changes incompatibly: a copy that does not know the version ignores it. */
export const PAGE_RUNTIME_VERSION = 1;

export interface PageRuntime {
  readonly version: number;
  readonly electron: ElectronModule;
  readonly runPreload: PreloadRunner;
  connect(options?: object): IpcRenderer;
  onTraffic(listener: RendererTrafficListener, renderer?: IpcRenderer): () => void;
  onConnectionState(listener: ConnectionListener, renderer?: IpcRenderer): () => void;
  connectionState(renderer?: IpcRenderer): ConnectionState;
}

const key = Symbol.for(PAGE_RUNTIME_KEY);

/** The page's runtime, when a classic script of a compatible version registered one. */
export function pageRuntime(): PageRuntime | undefined {
  const runtime = (globalThis as Record<symbol, unknown>)[key] as Partial<PageRuntime> | undefined;
  return runtime?.version === PAGE_RUNTIME_VERSION ? (runtime as PageRuntime) : undefined;
}

/** `true` when some classic script already registered (of any version): a second one must stand down. */
export function hasPageRuntime(): boolean {
  return (globalThis as Record<symbol, unknown>)[key] !== undefined;
}

export function registerPageRuntime(runtime: PageRuntime): void {
  Object.defineProperty(globalThis, key, { value: Object.freeze(runtime) });
}
