import type { WebContents } from './web-contents-impl.js';

export interface GuestRegistryOptions {
  /**
   * How long a token stays usable (ms): from its registration, or, for the token a guest hands to the
   * next page in its frame, from the moment that guest left. Default 60 000.
   */
  readonly tokenTtl?: number;
  /** Most `<webview>` frames one host may have registered at once. Default 256. */
  readonly maxFramesPerHost?: number;
  /** Clock (for tests). */
  readonly now?: () => number;
}

/** How long a claimed token holds its frame while the guest's connection is being set up. */
const PENDING_ATTACH_MS = 10_000;

/** Tells a host which guest its frame `frameToken` has now (0: none). */
export type GuestStateNotifier = (host: WebContents, frameToken: string, guestId: number) => void;

/** One `<webview>` element's frame in a host page, named by the token the host registered for it. */
interface Frame {
  readonly host: WebContents;
  readonly name: string;
  guest: WebContents | undefined;
  /** A claim whose guest is being created (its WebSocket upgrade is in progress), until `pendingUntil`. */
  pending: GuestClaim | undefined;
  pendingUntil: number;
  /** The token the next page in this frame must present: single-use; `undefined` once used. */
  token: string | undefined;
  /** When `token` stops working. While a guest is attached its successor waits: `Infinity`. */
  expiresAt: number;
  released: boolean;
}

/** A claimed token: the guest may now be created. Pass it to {@link GuestRegistry.attach}. */
export interface GuestClaim {
  readonly host: WebContents;
  /** False when the host or its frame went away since the claim (then refuse the guest). */
  readonly live: boolean;
}

export type ClaimResult =
  | { readonly ok: true; readonly claim: GuestClaim }
  | { readonly ok: false; readonly reason: string };

/**
 * Main's record of which host page may receive which `<webview>` guest. A host registers an unguessable
 * token per frame and puts it where only the page loaded into that frame can read it (`window.name`);
 * the guest presents it at its handshake. A token works once and expires. A guest may offer a token of
 * its own for the next page in the same frame (a navigation inside the guest), which becomes usable only
 * after it left. Everything a host registered goes away with the host, and its guests are closed.
 */
export class GuestRegistry {
  readonly #tokens = new Map<string, Frame>();
  readonly #hosts = new Map<WebContents, Map<string, Frame>>();
  readonly #ttl: number;
  readonly #maxFrames: number;
  readonly #now: () => number;

  constructor(
    private readonly notify: GuestStateNotifier,
    options: GuestRegistryOptions = {},
  ) {
    this.#ttl = options.tokenTtl ?? 60_000;
    this.#maxFrames = options.maxFramesPerHost ?? 256;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A host announces a frame. Returns why it was refused, or `undefined` when the frame is registered
   * (the host is then told, with guest id 0, that it may load the guest page).
   */
  register(host: WebContents, token: string): string | undefined {
    if (host.isDestroyed()) return 'the host is destroyed';
    let frames = this.#hosts.get(host);
    if (this.#tokens.has(token) || frames?.has(token)) return 'the token is already registered';
    if (frames && frames.size >= this.#maxFrames) {
      return `the host already has ${this.#maxFrames} <webview> frames registered`;
    }
    if (!frames) {
      frames = new Map();
      this.#hosts.set(host, frames);
      host.once('destroyed', () => this.#dropHost(host));
    }
    const frame: Frame = {
      host,
      name: token,
      guest: undefined,
      pending: undefined,
      pendingUntil: 0,
      token,
      expiresAt: this.#now() + this.#ttl,
      released: false,
    };
    frames.set(token, frame);
    this.#tokens.set(token, frame);
    this.notify(host, token, 0);
    return undefined;
  }

  /**
   * A connecting page presents `token`. On success the token is used up, and `successor` (when given and
   * well-formed) becomes the token for the next page in that frame once this guest has left.
   */
  claim(token: string, successor?: string): ClaimResult {
    const frame = this.#tokens.get(token);
    if (!frame) return { ok: false, reason: 'unknown or already used guest token' };
    const now = this.#now();
    if ((frame.guest && !frame.guest.isDestroyed()) || now < frame.pendingUntil) {
      // Only a successor can be presented while a guest is attached (or attaching); it is not burnt (the
      // frame's next page still needs it), but it does not work before the current guest has left.
      return { ok: false, reason: 'the frame still has its guest' };
    }
    this.#tokens.delete(token);
    frame.token = undefined;
    if (now > frame.expiresAt) return { ok: false, reason: 'expired guest token' };
    if (frame.released || frame.host.isDestroyed()) return { ok: false, reason: 'its host is gone' };
    const claim: GuestClaim & { readonly frame: Frame } = {
      host: frame.host,
      frame,
      get live() {
        return frame.pending === claim && !frame.released && !frame.host.isDestroyed();
      },
    };
    frame.pending = claim;
    frame.pendingUntil = now + PENDING_ATTACH_MS;
    if (successor !== undefined && successor !== token && !this.#tokens.has(successor)) {
      frame.token = successor;
      // Usable once this guest has left (attach() makes it wait for that); if the guest is never
      // created, once the pending claim has lapsed.
      frame.expiresAt = frame.pendingUntil + this.#ttl;
      this.#tokens.set(successor, frame);
    }
    return { ok: true, claim };
  }

  /**
   * The guest of a successful claim exists: record it, tell the host its id. Call it before the guest's
   * messages are dispatched, so the host knows the id before the first `sendToHost` arrives. Returns
   * false, recording nothing, when the claim is no longer live: then close the guest.
   */
  attach(claim: GuestClaim, guest: WebContents): boolean {
    const frame = (claim as GuestClaim & { readonly frame: Frame }).frame;
    if (!claim.live) return false;
    frame.pending = undefined;
    frame.pendingUntil = 0;
    frame.guest = guest;
    frame.expiresAt = Number.POSITIVE_INFINITY;
    this.notify(frame.host, frame.name, guest.id);
    guest.once('destroyed', () => {
      if (frame.guest !== guest) return;
      frame.guest = undefined;
      if (frame.released) return;
      if (frame.token !== undefined) frame.expiresAt = this.#now() + this.#ttl;
      this.notify(frame.host, frame.name, 0);
    });
    return true;
  }

  /** The host removed the frame registered as `name`: its token stops working and its guest is closed. */
  release(host: WebContents, name: string): void {
    const frames = this.#hosts.get(host);
    const frame = frames?.get(name);
    if (!frames || !frame) return;
    frames.delete(name);
    this.#forget(frame);
  }

  /** Frames `host` has registered (for tests and inspection). */
  frameCount(host: WebContents): number {
    return this.#hosts.get(host)?.size ?? 0;
  }

  /** Tokens that could still be presented (for tests and inspection). */
  get tokenCount(): number {
    return this.#tokens.size;
  }

  #dropHost(host: WebContents): void {
    const frames = this.#hosts.get(host);
    this.#hosts.delete(host);
    for (const frame of frames?.values() ?? []) this.#forget(frame);
  }

  #forget(frame: Frame): void {
    frame.released = true;
    frame.pending = undefined;
    if (frame.token !== undefined) this.#tokens.delete(frame.token);
    frame.token = undefined;
    const guest = frame.guest;
    frame.guest = undefined;
    if (guest && !guest.isDestroyed()) guest.close();
  }
}
