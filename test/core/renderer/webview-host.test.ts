import { afterEach, describe, expect, it, vi } from 'vitest';
import { addRenderer, claimGuest, createMain, type Main } from '../../../src/api/main-context.js';
import type { WebContents } from '../../../src/core/main/web-contents-impl.js';
import {
  attachTransport,
  closeRenderer,
  IpcRenderer,
  sendToGuest,
} from '../../../src/core/renderer/ipc-renderer-impl.js';
import { WebviewGuest, type WebviewGuestEvents } from '../../../src/core/renderer/webview-host.js';
import { createMemoryLink } from '../../../src/transports/memory/memory-transport.js';

/*
 * The host side of <webview> without a DOM: a WebviewGuest per element, main's guest registry in
 * between, and guests that connect with the token the host registered (as a page in the frame would).
 */

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function connect(main: Main, guestOf?: { token: string; successor?: string }) {
  const link = createMemoryLink();
  const ipcRenderer = new IpcRenderer();
  let webContents: WebContents;
  if (guestOf) {
    const result = claimGuest(main, guestOf.token, guestOf.successor);
    if (!result.ok) throw new Error(result.reason);
    webContents = addRenderer(main, link.main, {
      type: 'window',
      url: 'http://127.0.0.1/guest',
      origin: 'http://127.0.0.1',
      guest: result.claim,
    });
  } else {
    webContents = addRenderer(main, link.main, {
      type: 'window',
      url: 'http://127.0.0.1/host',
      origin: 'http://127.0.0.1',
    });
  }
  attachTransport(ipcRenderer, link.renderer);
  return { ipcRenderer, webContents };
}

function recorder() {
  const seen: unknown[][] = [];
  const tokens: string[] = [];
  const events: WebviewGuestEvents = {
    load: (token) => {
      tokens.push(token);
      seen.push(['load']);
    },
    attached: (id) => seen.push(['attached', id]),
    detached: (id) => seen.push(['detached', id]),
    message: (channel, args, frameId) => seen.push(['message', channel, args, frameId]),
  };
  return { seen, tokens, events };
}

function setup() {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const main = createMain({ logger });
  const host = connect(main);
  const { seen, tokens, events } = recorder();
  const element = new WebviewGuest(host.ipcRenderer, events);
  return { main, logger, host, element, seen, tokens };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WebviewGuest (the host side of one <webview>)', () => {
  it('registers a token, loads once main accepted it, and learns the guest id', async () => {
    const { main, host, element, seen, tokens } = setup();
    element.load();
    expect(seen).toEqual([]);
    await settle();
    expect(seen).toEqual([['load']]);
    const guest = connect(main, { token: tokens[0]! });
    await settle();
    expect(seen.at(-1)).toEqual(['attached', guest.webContents.id]);
    expect(element.guestId).toBe(guest.webContents.id);
    expect(guest.webContents.getType()).toBe('webview');
    expect(guest.webContents.hostWebContents).toBe(host.webContents);
  });

  it('queues sends until the guest attaches, cloned at call time, in order with later sends', async () => {
    const { main, element, tokens } = setup();
    element.load();
    await settle();
    const note = { text: 'first' };
    const queued = element.send('note', [note]);
    note.text = 'changed after the call';
    const guest = connect(main, { token: tokens[0]! });
    const received: unknown[] = [];
    guest.ipcRenderer.on('note', (event, value) => received.push([event.senderId, value]));
    await settle();
    await expect(queued).resolves.toBeUndefined();
    await element.send('note', [{ text: 'second' }]);
    await settle();
    expect(received).toEqual([
      [0, { text: 'first' }],
      [0, { text: 'second' }],
    ]);
  });

  it("routes the guest's sendToHost to its element only, never to ipcMain", async () => {
    const { main, host, seen, element, tokens } = setup();
    const other = recorder();
    const otherElement = new WebviewGuest(host.ipcRenderer, other.events);
    const toMain = vi.fn();
    main.ipcMain.on('hi', toMain);
    element.load();
    otherElement.load();
    await settle();
    const guest = connect(main, { token: tokens[0]! });
    connect(main, { token: other.tokens[0]! });
    await settle();
    guest.ipcRenderer.sendToHost('hi', 1, [2]);
    await settle();
    expect(seen.at(-1)).toEqual(['message', 'hi', [1, [2]], 1]);
    expect(other.seen.filter((entry) => entry[0] === 'message')).toEqual([]);
    expect(toMain).not.toHaveBeenCalled();
  });

  it('destroy() closes the guest and rejects sends still waiting with ERR_IPC_CLOSED', async () => {
    const { main, element, tokens } = setup();
    element.load();
    await settle();
    const waiting = element.send('x', []);
    element.destroy();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    await expect(element.send('x', [])).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    await settle();
    expect(() => connect(main, { token: tokens[0]! })).toThrow('unknown or already used guest token');

    const second = setup();
    second.element.load();
    await settle();
    const guest = connect(second.main, { token: second.tokens[0]! });
    await settle();
    second.element.destroy();
    await settle();
    expect(guest.webContents.isDestroyed()).toBe(true);
  });

  it('a guest that leaves is reported; sends wait for the next page in the frame', async () => {
    const { main, element, seen, tokens } = setup();
    element.load();
    await settle();
    const successor = 'S'.repeat(43);
    const first = connect(main, { token: tokens[0]!, successor });
    await settle();
    closeRenderer(first.ipcRenderer);
    await settle();
    expect(seen.at(-1)).toEqual(['detached', first.webContents.id]);
    expect(element.guestId).toBe(0);
    const waiting = element.send('after-navigation', ['x']);
    const next = connect(main, { token: successor });
    const received: unknown[] = [];
    next.ipcRenderer.on('after-navigation', (_event, value) => received.push(value));
    await settle();
    await waiting;
    await settle();
    expect(received).toEqual(['x']);
    expect(element.guestId).toBe(next.webContents.id);
  });

  it('load() again releases the previous frame (its guest is closed) and registers a new token', async () => {
    const { main, element, tokens } = setup();
    element.load();
    await settle();
    const first = connect(main, { token: tokens[0]! });
    await settle();
    element.load();
    await settle();
    expect(first.webContents.isDestroyed()).toBe(true);
    expect(tokens).toHaveLength(2);
    expect(element.guestId).toBe(0);
    const second = connect(main, { token: tokens[1]! });
    await settle();
    expect(element.guestId).toBe(second.webContents.id);
  });

  it('a send waiting for a guest rejects with ERR_IPC_TIMEOUT after 30 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { element } = setup();
    element.load();
    const first = element.send('x', []);
    vi.advanceTimersByTime(10_000);
    const second = element.send('y', []);
    vi.advanceTimersByTime(20_000);
    await expect(first).rejects.toMatchObject({ code: 'ERR_IPC_TIMEOUT' });
    let secondSettled = false;
    second.catch(() => {}).finally(() => (secondSettled = true));
    await Promise.resolve();
    expect(secondSettled).toBe(false);
    vi.advanceTimersByTime(10_000);
    await expect(second).rejects.toMatchObject({ code: 'ERR_IPC_TIMEOUT' });
  });

  it("rejects what cannot be sent: a non-string channel, arguments that can't be cloned, too many waiting", async () => {
    const { element } = setup();
    await expect(element.send(1 as unknown as string, [])).rejects.toThrow(
      new TypeError('Missing required channel argument'),
    );
    await expect(element.send('x', [() => 1])).rejects.toMatchObject({ code: 'ERR_IPC_NOT_CLONEABLE' });
    const waiting = Array.from({ length: 1000 }, () => element.send('x', []).catch(() => {}));
    await expect(element.send('x', [])).rejects.toMatchObject({ code: 'ERR_IPC_LIMIT_EXCEEDED' });
    element.destroy();
    await Promise.all(waiting);
  });

  it("rejects waiting sends when the host's own connection closes", async () => {
    const { host, element } = setup();
    element.load();
    await settle();
    const waiting = element.send('x', []);
    closeRenderer(host.ipcRenderer);
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    await expect(element.send('x', [])).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    element.load(); // nothing to load any more; does not throw
  });
});

describe('main routing of <webview> messages', () => {
  it("webviewSend to a renderer that is not the sender's guest is dropped with a warning", async () => {
    const { main, logger, host } = setup();
    const stranger = connect(main);
    const received = vi.fn();
    stranger.ipcRenderer.on('x', received);
    sendToGuest(host.ipcRenderer, stranger.webContents.id, 'x', []);
    sendToGuest(host.ipcRenderer, 999, 'x', []); // gone (or never existed): dropped quietly
    await settle();
    expect(received).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_REFUSED' }),
      expect.stringContaining('which is not its guest'),
    );
  });

  it('a guest whose host is gone is closed with the host', async () => {
    const { main, host, element, tokens } = setup();
    element.load();
    await settle();
    const guest = connect(main, { token: tokens[0]! });
    await settle();
    closeRenderer(host.ipcRenderer);
    await settle();
    expect(host.webContents.isDestroyed()).toBe(true);
    expect(guest.webContents.isDestroyed()).toBe(true);
  });
});
