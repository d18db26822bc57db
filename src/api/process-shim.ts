import { Emitter } from '../core/shared/emitter.js';

/**
 * The `process` a sandboxed Electron preload sees, as far as a browser can fill it in: an EventEmitter
 * with `type`, `platform`, `versions` (`chrome` from the browser, no `node` or `electron`), an empty
 * `env` (main's environment is not sent to pages), and `contextIsolated` and `sandboxed`, both `true`.
 */
export interface PreloadProcess extends Emitter {
  readonly type: 'renderer';
  /** Node's name for the operating system the browser reports (`win32`, `darwin`, `linux`, `android`), or `''`. */
  readonly platform: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly env: Record<string, string | undefined>;
  /** `true`: preloads reach the page through `contextBridge`, as with Electron's default isolation. */
  readonly contextIsolated: boolean;
  readonly sandboxed: boolean;
}

interface NavigatorLike {
  readonly userAgent?: string;
  readonly platform?: string;
  readonly userAgentData?: { readonly platform?: string };
}

/** A new `process` object for a page's preloads (read from `navigator`). */
export function createPreloadProcess(
  navigator: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator,
): PreloadProcess {
  return Object.assign(new Emitter(), {
    type: 'renderer' as const,
    platform: platformOf(navigator),
    versions: Object.freeze(versionsOf(navigator)),
    env: {},
    contextIsolated: true,
    sandboxed: true,
  });
}

/** Node's `process.platform` for what the browser says it runs on. */
export function platformOf(navigator: NavigatorLike | undefined): string {
  const reported = navigator?.userAgentData?.platform || navigator?.platform || '';
  if (/^win/i.test(reported)) return 'win32';
  if (/mac|iphone|ipad|ios/i.test(reported)) return 'darwin';
  if (/android/i.test(reported)) return 'android';
  if (/linux|chrome ?os|chromium ?os|cros|x11/i.test(reported)) return 'linux';
  if (/freebsd/i.test(reported)) return 'freebsd';
  if (/openbsd/i.test(reported)) return 'openbsd';
  return '';
}

function versionsOf(navigator: NavigatorLike | undefined): Record<string, string> {
  const chrome = /Chrome\/([0-9][0-9.]*)/.exec(navigator?.userAgent ?? '')?.[1];
  return chrome ? { chrome } : {};
}
