import { attachTransport, IpcRenderer, isAttached } from '../core/renderer/ipc-renderer-impl.js';
import type { ConnectionDefaults, RendererSessionOptions } from '../core/renderer/renderer-session.js';
import { checkDeadlines } from '../core/shared/deadline.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { checkOptionNames, checkOptionsObject } from '../protocol/options.js';
import { createBrowserTransport } from '../transports/websocket/browser-client.js';
import { KEEPALIVE_OPTION_NAMES } from '../transports/websocket/keepalive.js';
import { RECONNECT_OPTION_NAMES } from '../transports/websocket/reconnect.js';
import type { SocketTransportOptions } from '../transports/websocket/socket-renderer-transport.js';
import { installWebviewTag } from './webview-element.browser.js';
import { takeGuestCredentials } from './webview-guest.browser.js';

/**
 * Where a page connects. The keepalive options (`keepaliveInterval`, `keepaliveTimeout`, default 10 s
 * each) bound how long a dead link goes unnoticed: at most `2 × keepaliveInterval + keepaliveTimeout`
 * (later only while the tab's timers are throttled in the background), then pending calls reject with
 * `ERR_IPC_CLOSED`.
 */
export interface BrowserConnectOptions extends ConnectionDefaults, SocketTransportOptions {
  /** The ipc-anywhere server's URL. Default: the page's origin (`location.origin`). */
  url?: string;
}

const CONNECT_OPTION_NAMES = [
  'url',
  'invokeTimeout',
  'sendSyncTimeout',
  ...KEEPALIVE_OPTION_NAMES,
  ...RECONNECT_OPTION_NAMES,
];
const RENDERER_OPTION_NAMES = [...CONNECT_OPTION_NAMES, 'limits', 'maxReplayBytes'];
const AUTO_CONNECT_NAMES = [...CONNECT_OPTION_NAMES, 'autoConnect', 'webviewTag'];
const CONNECT_HINTS = { limits: 'only createIpcRenderer() takes limits (ipcRenderer already exists)' };

function checkOptions(
  where: string,
  options: unknown,
  names: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  checkOptionsObject(where, options);
  checkOptionNames(where, options, names, hints);
}

/**
 * Set `globalThis.ipcAnywhereConfig` before the renderer loads to steer auto-connect:
 * `{ autoConnect: false }` to call `connect()` yourself, `{ url }` to connect elsewhere.
 */
export interface AutoConnectConfig extends ConnectionDefaults, SocketTransportOptions {
  autoConnect?: boolean;
  url?: string;
  /** `false`: leave `<webview>` elements alone (Electron's `webPreferences.webviewTag`). Default `true`. */
  webviewTag?: boolean;
}

/**
 * Connects `renderer` to the server at `url` over WebSocket (sync calls over sync XHR). The page's own
 * renderer (`asGuest`) attaches as a `<webview>` guest when the page was loaded into a host's frame.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad URL or option (an unknown name too), or when
 * `renderer` is already connected.
 */
export function connectRenderer(
  renderer: IpcRenderer,
  options: BrowserConnectOptions = {},
  asGuest = true,
): IpcRenderer {
  checkOptions('connect', options, CONNECT_OPTION_NAMES, CONNECT_HINTS);
  return attachSocket(renderer, options, asGuest);
}

/** A new renderer connected to `options.url` (default: the page's origin). */
export function createRendererFor(options: BrowserConnectOptions & RendererSessionOptions = {}): IpcRenderer {
  checkOptions('createIpcRenderer', options, RENDERER_OPTION_NAMES);
  return attachSocket(new IpcRenderer(options), options, false);
}

/** {@link connectRenderer} for options whose names were checked. */
function attachSocket(renderer: IpcRenderer, options: BrowserConnectOptions, asGuest: boolean): IpcRenderer {
  const url = options.url ?? globalThis.location?.origin;
  if (!url) {
    throw new IpcError(IpcErrorCode.InvalidArgument, 'connect: pass { url } (this page has no http origin).');
  }
  if (isAttached(renderer))
    throw new IpcError(IpcErrorCode.InvalidArgument, 'This renderer is already connected.');
  checkDeadlines(options); // before the socket opens (it would outlive the refusal)
  const guest = asGuest ? takeGuestCredentials() : undefined;
  const accepted = (options as RendererSessionOptions).limits?.maxPayload;
  const transport = createBrowserTransport(url, globalThis.location?.href ?? url, guest, accepted, options);
  attachTransport(renderer, transport, options);
  return renderer;
}

/** The global auto-connect settings, if the page set any. */
export function autoConnectConfig(): AutoConnectConfig {
  const config = (globalThis as { ipcAnywhereConfig?: unknown }).ipcAnywhereConfig;
  return typeof config === 'object' && config !== null ? (config as AutoConnectConfig) : {};
}

/**
 * Connects `renderer` to `defaultUrl` (or the configured URL) unless the page opted out, the renderer is
 * already connected, or there is nothing to connect to (not an http(s) page, no URL). Also makes the
 * page's `<webview>` elements host guests through `renderer`, unless `webviewTag: false`.
 */
export function autoConnect(renderer: IpcRenderer, defaultUrl: string | undefined): void {
  const config = autoConnectConfig();
  checkOptions('ipcAnywhereConfig', config, AUTO_CONNECT_NAMES, CONNECT_HINTS);
  if (config.webviewTag !== false && typeof document === 'object') installWebviewTag(renderer);
  if (config.autoConnect === false || isAttached(renderer)) return;
  const url = config.url ?? defaultUrl;
  if (!url || !/^(https?|wss?):/.test(url) || typeof WebSocket !== 'function') return;
  const { autoConnect: _autoConnect, webviewTag: _webviewTag, ...options } = config;
  attachSocket(renderer, { ...options, url }, true);
}
