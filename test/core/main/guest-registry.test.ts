import { describe, expect, it } from 'vitest';
import { type GuestClaim, GuestRegistry } from '../../../src/core/main/guest-registry.js';
import { type RendererLink, WebContents } from '../../../src/core/main/web-contents-impl.js';
import { createSecretToken } from '../../../src/protocol/secret-token.js';

let ids = 0;

/** A WebContents whose `close()` destroys it at once (no transport behind it). */
function contents(): WebContents {
  ids += 1;
  const link: RendererLink & { destroyed: boolean } = {
    destroyed: false,
    sendChannelMessage: () => {},
    close: () => {
      if (link.destroyed) return;
      link.destroyed = true;
      created.emit('destroyed');
    },
  };
  const created = new WebContents(
    { id: ids, type: 'window', url: 'http://127.0.0.1/', origin: 'http://127.0.0.1', processId: ids },
    link,
  );
  return created;
}

function setup(options: { tokenTtl?: number; maxFramesPerHost?: number } = {}) {
  let now = 1_000;
  const notified: [hostId: number, token: string, guestId: number][] = [];
  const registry = new GuestRegistry((host, token, guestId) => notified.push([host.id, token, guestId]), {
    ...options,
    now: () => now,
  });
  return {
    registry,
    notified,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function claimOk(registry: GuestRegistry, token: string, successor?: string): GuestClaim {
  const result = registry.claim(token, successor);
  if (!result.ok) throw new Error(`claim refused: ${result.reason}`);
  return result.claim;
}

describe('GuestRegistry', () => {
  it('registers a frame and tells the host it may load the guest (guest id 0)', () => {
    const { registry, notified } = setup();
    const host = contents();
    const token = createSecretToken();
    expect(registry.register(host, token)).toBeUndefined();
    expect(notified).toEqual([[host.id, token, 0]]);
    expect(registry.frameCount(host)).toBe(1);
  });

  it('a token works once: the guest gets the host that registered it, the host its id', () => {
    const { registry, notified } = setup();
    const host = contents();
    const token = createSecretToken();
    registry.register(host, token);
    const claim = claimOk(registry, token);
    expect(claim.host).toBe(host);
    expect(claim.live).toBe(true);
    const guest = contents();
    expect(registry.attach(claim, guest)).toBe(true);
    expect(notified.at(-1)).toEqual([host.id, token, guest.id]);
    expect(registry.claim(token)).toEqual({ ok: false, reason: 'unknown or already used guest token' });
  });

  it('refuses unknown and expired tokens', () => {
    const { registry, advance } = setup({ tokenTtl: 500 });
    expect(registry.claim(createSecretToken())).toEqual({
      ok: false,
      reason: 'unknown or already used guest token',
    });
    const token = createSecretToken();
    registry.register(contents(), token);
    advance(501);
    expect(registry.claim(token)).toEqual({ ok: false, reason: 'expired guest token' });
    expect(registry.claim(token)).toEqual({ ok: false, reason: 'unknown or already used guest token' });
  });

  it('refuses a token whose frame was released or whose host is gone', () => {
    const { registry } = setup();
    const host = contents();
    const released = createSecretToken();
    registry.register(host, released);
    registry.release(host, released);
    expect(registry.claim(released).ok).toBe(false);

    const orphan = createSecretToken();
    registry.register(host, orphan);
    host.close();
    expect(registry.claim(orphan).ok).toBe(false);
    expect(registry.tokenCount).toBe(0);
    expect(registry.register(host, createSecretToken())).toBe('the host is destroyed');
  });

  it('only the host that registered a frame can release it', () => {
    const { registry } = setup();
    const host = contents();
    const other = contents();
    const token = createSecretToken();
    registry.register(host, token);
    registry.release(other, token);
    expect(claimOk(registry, token).host).toBe(host);
  });

  it('refuses a token registered twice (by the same or another host), and more frames than the bound', () => {
    const { registry } = setup({ maxFramesPerHost: 2 });
    const host = contents();
    const token = createSecretToken();
    registry.register(host, token);
    expect(registry.register(host, token)).toBe('the token is already registered');
    expect(registry.register(contents(), token)).toBe('the token is already registered');
    registry.register(host, createSecretToken());
    expect(registry.register(host, createSecretToken())).toBe(
      'the host already has 2 <webview> frames registered',
    );
    registry.release(host, token);
    expect(registry.register(host, createSecretToken())).toBeUndefined();
  });

  it('releasing a frame closes its guest; the host is not told (it asked)', () => {
    const { registry, notified } = setup();
    const host = contents();
    const token = createSecretToken();
    registry.register(host, token);
    const guest = contents();
    registry.attach(claimOk(registry, token), guest);
    const before = notified.length;
    registry.release(host, token);
    expect(guest.isDestroyed()).toBe(true);
    expect(notified).toHaveLength(before);
    expect(registry.frameCount(host)).toBe(0);
  });

  it('a destroyed host takes its frames, tokens and guests with it', () => {
    const { registry } = setup();
    const host = contents();
    const [a, b] = [createSecretToken(), createSecretToken()];
    registry.register(host, a);
    registry.register(host, b);
    const guest = contents();
    registry.attach(claimOk(registry, a, createSecretToken()), guest);
    host.close();
    expect(guest.isDestroyed()).toBe(true);
    expect(registry.tokenCount).toBe(0);
    expect(registry.frameCount(host)).toBe(0);
  });

  it("the guest's successor token works for the next page in the frame, only after the guest left", () => {
    const { registry, notified, advance } = setup({ tokenTtl: 500 });
    const host = contents();
    const token = createSecretToken();
    const successor = createSecretToken();
    registry.register(host, token);
    const first = contents();
    registry.attach(claimOk(registry, token, successor), first);
    advance(10_000); // a guest may live long; its successor does not expire meanwhile
    expect(registry.claim(successor)).toEqual({ ok: false, reason: 'the frame still has its guest' });
    first.close();
    expect(notified.at(-1)).toEqual([host.id, token, 0]);
    const second = contents();
    const claim = claimOk(registry, successor, createSecretToken());
    expect(claim.host).toBe(host);
    registry.attach(claim, second);
    expect(notified.at(-1)).toEqual([host.id, token, second.id]);
    expect(registry.claim(successor).ok).toBe(false);
  });

  it("a successor expires once the guest has been gone for the token's lifetime", () => {
    const { registry, advance } = setup({ tokenTtl: 500 });
    const host = contents();
    const token = createSecretToken();
    const successor = createSecretToken();
    registry.register(host, token);
    const guest = contents();
    registry.attach(claimOk(registry, token, successor), guest);
    guest.close();
    advance(501);
    expect(registry.claim(successor)).toEqual({ ok: false, reason: 'expired guest token' });
  });

  it('one frame has one guest: a claim holds the frame while its guest is being created', () => {
    const { registry, advance } = setup({ tokenTtl: 500 });
    const host = contents();
    const token = createSecretToken();
    const successor = createSecretToken();
    registry.register(host, token);
    const first = claimOk(registry, token, successor);
    expect(registry.claim(successor)).toEqual({ ok: false, reason: 'the frame still has its guest' });
    // The first guest never arrives (its upgrade failed): the frame frees up after a while.
    advance(10_001);
    const second = claimOk(registry, successor);
    expect(first.live).toBe(false);
    expect(registry.attach(first, contents())).toBe(false);
    expect(registry.attach(second, contents())).toBe(true);
  });

  it("a guest cannot offer another frame's token as its successor", () => {
    const { registry, notified } = setup();
    const host = contents();
    const [a, b] = [createSecretToken(), createSecretToken()];
    registry.register(host, a);
    registry.register(host, b);
    const guestA = contents();
    registry.attach(claimOk(registry, a, b), guestA);
    guestA.close();
    const guestB = contents();
    registry.attach(claimOk(registry, b), guestB);
    // b still names its own frame: the guest that presented it is b's, not a's.
    expect(notified.at(-1)).toEqual([host.id, b, guestB.id]);
  });
});
