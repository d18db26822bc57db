import { decode, encode } from '../../protocol/codec/index.js';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { createSecretToken } from '../../protocol/secret-token.js';
import { assertMainChannel } from '../shared/channel.js';
import {
  type IpcRenderer,
  lifecycleOf,
  onConnectionState,
  onGuestState,
  onHostMessage,
  registerGuest,
  releaseGuest,
  sendToGuest,
} from './ipc-renderer-impl.js';

/** What a `<webview>` element does with its guest's news. */
export interface WebviewGuestEvents {
  /** Main accepted the frame's token: load the guest page into a frame named with it. */
  load(token: string): void;
  /** A guest page connected through that frame. */
  attached(guestId: number): void;
  /** The guest left (navigated, closed); a page loaded next into the frame may attach again. */
  detached(guestId: number): void;
  /** The guest's `sendToHost(channel, ...args)`. */
  message(channel: string, args: unknown[], frameId: number): void;
}

/** Sends waiting for a guest to attach (per element): beyond this, `send` rejects. */
const MAX_QUEUED = 1000;
/** How long a send waits for a guest to attach before it rejects with `ERR_IPC_TIMEOUT`. */
const ATTACH_TIMEOUT_MS = 30_000;

interface Queued {
  readonly channel: string;
  /** The arguments cloned when `send` was called (as everywhere, later changes do not travel). */
  readonly bytes: Uint8Array;
  readonly deadline: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Per host renderer: routes main's guest messages to the element that owns the frame. */
class HostRouter {
  readonly byToken = new Map<string, WebviewGuest>();
  readonly byGuestId = new Map<number, WebviewGuest>();
  readonly live = new Set<WebviewGuest>();
  closedWith: IpcError | undefined;

  constructor(renderer: IpcRenderer) {
    onGuestState(renderer, (token, guestId) => this.byToken.get(token)?.onState(token, guestId));
    onHostMessage(renderer, (guestId, frameId, channel, args) =>
      this.byGuestId.get(guestId)?.onMessage(channel, args, frameId),
    );
    // A new session (main restarted) knows none of this page's frames: each one loads its page again
    // under a token registered with the new main, as on a navigation.
    onConnectionState(renderer, (event) => {
      if (event.state !== 'new-session') return;
      for (const guest of [...this.live]) guest.reloadForNewSession();
    });
    lifecycleOf(renderer).once('closed', (error) => {
      this.closedWith = error;
      for (const guest of [...this.live]) guest.onHostClosed(error);
    });
  }
}

const routers = new WeakMap<IpcRenderer, HostRouter>();

function routerOf(renderer: IpcRenderer): HostRouter {
  let router = routers.get(renderer);
  if (!router) routers.set(renderer, (router = new HostRouter(renderer)));
  return router;
}

/**
 * The host side of one `<webview>` element, DOM-free: it registers a fresh token with main for each page
 * the element loads, learns which guest attached, routes that guest's `sendToHost` messages here, and
 * sends to the guest, queuing until one is attached.
 */
export class WebviewGuest {
  readonly #renderer: IpcRenderer;
  readonly #router: HostRouter;
  readonly #events: WebviewGuestEvents;
  #token: string | undefined;
  #loaded = false;
  #guestId = 0;
  #queue: Queued[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(renderer: IpcRenderer, events: WebviewGuestEvents) {
    this.#renderer = renderer;
    this.#router = routerOf(renderer);
    this.#events = events;
    this.#router.live.add(this);
  }

  /** The attached guest's WebContents id; 0 while none is. */
  get guestId(): number {
    return this.#guestId;
  }

  /**
   * Starts (or restarts) the element's page: the previous frame and its guest are released, a new token
   * is registered, and `events.load(token)` runs once main accepted it.
   */
  load(): void {
    this.unload();
    if (this.#destroyed || this.#router.closedWith) return;
    const token = createSecretToken();
    this.#token = token;
    this.#router.byToken.set(token, this);
    try {
      registerGuest(this.#renderer, token);
    } catch {
      // The host's connection is closed: there is nothing to load.
      this.#router.byToken.delete(token);
      this.#token = undefined;
    }
  }

  /** @internal The host's session is new: a frame that had a page loads it again (see HostRouter). */
  reloadForNewSession(): void {
    if (this.#token === undefined) return;
    // The old token belongs to a session that is gone: nothing to release.
    this.#router.byToken.delete(this.#token);
    this.#token = undefined;
    this.#loaded = false;
    this.#forgetGuest();
    this.load();
  }

  /** Releases the current frame (its guest is closed by main). Queued sends keep waiting. */
  unload(): void {
    const token = this.#token;
    if (token === undefined) return;
    this.#token = undefined;
    this.#loaded = false;
    this.#router.byToken.delete(token);
    this.#forgetGuest();
    try {
      releaseGuest(this.#renderer, token);
    } catch {
      // The host's connection is closed, and main has dropped its frames with it.
    }
  }

  /** The element is gone: its guest is closed and waiting sends reject with `ERR_IPC_CLOSED`. */
  destroy(): void {
    if (this.#destroyed) return;
    this.unload();
    this.#destroyed = true;
    this.#router.live.delete(this);
    this.#rejectQueue(
      new IpcError(
        IpcErrorCode.Closed,
        'The <webview> was removed from the document before its guest attached.',
      ),
    );
  }

  /**
   * `webview.send(channel, ...args)`: to the guest's `ipcRenderer` listeners. Resolves once the message
   * is on its way; while no guest is attached it waits (up to 30 s) for one.
   */
  send(channel: string, args: unknown[]): Promise<void> {
    try {
      assertMainChannel(channel);
      if (this.#router.closedWith) throw this.#router.closedWith;
      if (this.#destroyed) {
        throw new IpcError(IpcErrorCode.Closed, 'The <webview> was removed from the document.');
      }
      if (this.#guestId !== 0) {
        sendToGuest(this.#renderer, this.#guestId, channel, args);
        return Promise.resolve();
      }
      if (this.#queue.length >= MAX_QUEUED) {
        throw new IpcError(
          IpcErrorCode.LimitExceeded,
          `${MAX_QUEUED} messages are already waiting for this <webview>'s guest to attach.`,
        );
      }
      const bytes = encode(args);
      return new Promise<void>((resolve, reject) => {
        this.#queue.push({ channel, bytes, deadline: Date.now() + ATTACH_TIMEOUT_MS, resolve, reject });
        this.#armTimer();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @internal From the router: main's news about the frame registered as `token`. */
  onState(token: string, guestId: number): void {
    if (token !== this.#token) return;
    if (guestId === 0) {
      if (!this.#loaded) {
        this.#loaded = true;
        this.#events.load(token);
        return;
      }
      const left = this.#guestId;
      this.#forgetGuest();
      if (left !== 0) this.#events.detached(left);
      return;
    }
    this.#forgetGuest();
    this.#guestId = guestId;
    this.#router.byGuestId.set(guestId, this);
    this.#flush();
    this.#events.attached(guestId);
  }

  /** @internal From the router: the guest's `sendToHost`. */
  onMessage(channel: string, args: unknown[], frameId: number): void {
    this.#events.message(channel, args, frameId);
  }

  /** @internal From the router: the host's own connection closed. */
  onHostClosed(error: IpcError): void {
    this.#token = undefined;
    this.#forgetGuest();
    this.#rejectQueue(error);
  }

  #forgetGuest(): void {
    if (this.#guestId !== 0 && this.#router.byGuestId.get(this.#guestId) === this) {
      this.#router.byGuestId.delete(this.#guestId);
    }
    this.#guestId = 0;
  }

  #flush(): void {
    const queued = this.#queue;
    this.#queue = [];
    this.#clearTimer();
    for (const item of queued) {
      try {
        sendToGuest(this.#renderer, this.#guestId, item.channel, decode(item.bytes) as unknown[]);
        item.resolve();
      } catch (error) {
        item.reject(error);
      }
    }
  }

  #rejectQueue(error: IpcError): void {
    const queued = this.#queue;
    this.#queue = [];
    this.#clearTimer();
    for (const item of queued) item.reject(error);
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const wait = Math.max(0, this.#queue[0]!.deadline - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = Date.now();
      const expired: Queued[] = [];
      while (this.#queue.length > 0 && this.#queue[0]!.deadline <= now) expired.push(this.#queue.shift()!);
      const error = new IpcError(
        IpcErrorCode.Timeout,
        `No guest attached to this <webview> within ${ATTACH_TIMEOUT_MS} ms (does the guest page load /ipc-anywhere/renderer.js?).`,
      );
      for (const item of expired) item.reject(error);
      this.#armTimer();
    }, wait);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
