import { describe, expect, it, vi } from 'vitest';
import { addRenderer, createMain } from '../../../src/api/main-context.js';
import type { IpcError } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS, MAIN_DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import {
  MessageKind,
  PROTOCOL_MIN_PAYLOAD,
  type RendererToMainMessage,
} from '../../../src/protocol/messages.js';
import { createMemoryIpc } from '../../../src/testing.js';
import type { MainTransport, MainTransportEvents } from '../../../src/transports/transport.js';

/** A main-side transport driven by hand, standing in for a hostile or out-of-order peer. */
function fakeTransport() {
  const sent: Uint8Array[] = [];
  const closed: IpcError[] = [];
  let events!: MainTransportEvents;
  const transport: MainTransport = {
    capabilities: { sync: true, transfer: false },
    start: (e) => {
      events = e;
    },
    send: (frame) => sent.push(frame),
    close: (reason) => closed.push(reason),
  };
  return {
    transport,
    sent,
    closed,
    deliver: (...messages: RendererToMainMessage[]) => events.frame(encodeFrame(messages.map(encodeMessage))),
    deliverSync: (message: RendererToMainMessage, respond: (frame: Uint8Array) => void) =>
      events.frame(encodeFrame([encodeMessage(message)]), respond),
    raw: (bytes: Uint8Array) => events.frame(bytes),
  };
}

function setup(syncReplyTimeout?: number) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const main = createMain({ logger, syncReplyTimeout });
  const peer = fakeTransport();
  const contents = addRenderer(main, peer.transport, {
    type: 'window',
    url: 'http://127.0.0.1/',
    origin: 'http://127.0.0.1',
  });
  return { main, logger, peer, contents };
}

describe('MainSession with a hostile or broken peer', () => {
  it('closes only that connection, with a logged coded reason, on undecodable bytes', async () => {
    const { main, logger, peer, contents } = setup();
    const other = fakeTransport();
    const otherContents = addRenderer(main, other.transport, { type: 'window', url: 'x:', origin: 'x:' });
    const seen: unknown[] = [];
    main.ipcMain.on('ok', (_event, value) => seen.push(value));
    peer.raw(new Uint8Array([5, 1, 2, 3]));
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_DECODE']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_DECODE', webContentsId: contents.id }),
      expect.stringContaining(`closing WebContents #${contents.id}: [ERR_IPC_DECODE]`),
    );
    expect(contents.isDestroyed()).toBe(true);
    other.deliver({ kind: MessageKind.Send, seq: 1, channel: 'ok', args: [1] });
    expect(seen).toEqual([1]);
    expect(otherContents.isDestroyed()).toBe(false);
  });

  it('rejects a sequence gap or a replayed sequence number', () => {
    const { peer } = setup();
    peer.deliver({ kind: MessageKind.Send, seq: 1, channel: 'a', args: [] });
    peer.deliver({ kind: MessageKind.Send, seq: 1, channel: 'a', args: [] });
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it('ignores everything after closing', () => {
    const { main, peer } = setup();
    const seen: unknown[] = [];
    main.ipcMain.on('a', () => seen.push(1));
    peer.raw(new Uint8Array([0xff]));
    peer.deliver({ kind: MessageKind.Send, seq: 1, channel: 'a', args: [] });
    expect(seen).toEqual([]);
  });

  it('holds a sync request that overtook earlier async messages until they arrive', () => {
    const { main, peer } = setup();
    const order: string[] = [];
    main.ipcMain.on('async', () => order.push('async'));
    main.ipcMain.on('sync', (event) => {
      order.push('sync');
      event.returnValue = 'done';
    });
    const replies: Uint8Array[] = [];
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 3, id: 1, channel: 'sync', args: [] }, (frame) =>
      replies.push(frame),
    );
    expect(order).toEqual([]);
    peer.deliver(
      { kind: MessageKind.Send, seq: 1, channel: 'async', args: [] },
      { kind: MessageKind.Send, seq: 2, channel: 'async', args: [] },
    );
    expect(order).toEqual(['async', 'async', 'sync']);
    expect(decodeFrame(replies[0]!, 'renderer', DEFAULT_LIMITS)).toEqual([
      { kind: MessageKind.SyncReply, seq: 0, id: 1, value: 'done' },
    ]);
  });

  it('refuses a sync request on the async path', () => {
    const { peer } = setup();
    peer.deliver({ kind: MessageKind.SendSync, seq: 1, id: 1, channel: 'sync', args: [] });
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it('drops webview.send to a WebContents that is not its guest, with a warning', () => {
    const { main, logger, peer } = setup();
    const victim = fakeTransport();
    const victimContents = addRenderer(main, victim.transport, { type: 'window', url: 'x:', origin: 'x:' });
    const before = victim.sent.length;
    peer.deliver({
      kind: MessageKind.WebviewSend,
      seq: 1,
      guestId: victimContents.id,
      channel: 'steal',
      args: [],
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_REFUSED' }),
      expect.stringContaining('not its guest'),
    );
    expect(victim.sent.length).toBe(before);
  });

  it('sends hello first, with the id and the payload limit', async () => {
    const { peer, contents } = setup();
    await Promise.resolve();
    const [hello] = decodeFrame(peer.sent[0]!, 'renderer', DEFAULT_LIMITS);
    expect(hello).toMatchObject({
      kind: MessageKind.Hello,
      seq: 1,
      webContentsId: contents.id,
      maxPayload: MAIN_DEFAULT_LIMITS.maxPayload,
    });
  });

  it("answers { error: 'reply was never sent' } when sync listeners drop the event, after the deadline", async () => {
    const { main, peer } = setup(20);
    main.ipcMain.on('dropped', () => {});
    const replies: Uint8Array[] = [];
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 1, id: 1, channel: 'dropped', args: [] }, (frame) =>
      replies.push(frame),
    );
    expect(replies).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(replies).toHaveLength(1);
    expect(decodeFrame(replies[0]!, 'renderer', DEFAULT_LIMITS)[0]).toMatchObject({
      kind: MessageKind.SyncReply,
      value: { error: 'reply was never sent' },
    });
  });

  it('lets a sync listener retry after assigning a value that cannot be cloned', () => {
    const { main, peer } = setup();
    const errors: unknown[] = [];
    main.ipcMain.on('retry', (event) => {
      try {
        event.returnValue = () => 1;
      } catch (error) {
        errors.push(String(error));
      }
      event.returnValue = 'second try';
    });
    const replies: Uint8Array[] = [];
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 1, id: 1, channel: 'retry', args: [] }, (frame) =>
      replies.push(frame),
    );
    expect(errors).toEqual(['Error: An object could not be cloned.']);
    expect(decodeFrame(replies[0]!, 'renderer', DEFAULT_LIMITS)[0]).toMatchObject({ value: 'second try' });
  });
});

describe('main-side listener failures', () => {
  it('logs a throwing listener and goes on with the other stages and messages', () => {
    const { main, logger, peer } = setup();
    const seen: string[] = [];
    main.ipcMain.on('boom', () => {
      throw new Error('listener bug');
    });
    main.ipcMain.on('next', () => seen.push('next'));
    peer.deliver(
      { kind: MessageKind.Send, seq: 1, channel: 'boom', args: [] },
      { kind: MessageKind.Send, seq: 2, channel: 'next', args: [] },
    );
    expect(seen).toEqual(['next']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: new Error('listener bug') }),
      "ipc-anywhere: a listener for 'boom' threw",
    );
    expect(peer.closed).toEqual([]);
  });

  it("survives a renderer sending on 'error' after the no-op listener was removed", () => {
    const { main, logger, peer, contents } = setup();
    main.ipcMain.removeAllListeners();
    contents.ipc.removeAllListeners();
    const seen: unknown[] = [];
    main.ipcMain.on('after', (_event, value) => seen.push(value));
    peer.deliver(
      { kind: MessageKind.Send, seq: 1, channel: 'error', args: [new Error('hostile')] },
      { kind: MessageKind.Send, seq: 2, channel: 'after', args: [1] },
    );
    expect(seen).toEqual([1]);
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe("MainSession and the renderer's maxPayload", () => {
  /** Every message main has sent so far (after the outbox's microtask flush). */
  async function sentMessages(peer: ReturnType<typeof fakeTransport>) {
    await Promise.resolve();
    return peer.sent.flatMap((frame) => decodeFrame(frame, 'renderer', DEFAULT_LIMITS));
  }

  it('drops for that renderer what it announced it would reject, and the connection lives on', async () => {
    const { main, logger, peer, contents } = setup();
    main.ipcMain.handle('big', () => 'x'.repeat(5000));
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: 2000 });
    const dropped: [IpcError, string][] = [];
    contents.on('ipc-message-dropped', (error: IpcError, channel: string) => dropped.push([error, channel]));
    expect(() => contents.send('big', 'x'.repeat(5000))).not.toThrow();
    expect(dropped).toEqual([
      [
        expect.objectContaining({
          code: 'ERR_IPC_PAYLOAD_TOO_LARGE',
          message: expect.stringContaining(`WebContents #${contents.id} accepts at most 2000`),
        }),
        'big',
      ],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'ERR_IPC_PAYLOAD_TOO_LARGE',
        channel: 'big',
        webContentsId: contents.id,
      }),
      expect.stringContaining(
        `dropped a message on 'big' to WebContents #${contents.id}: [ERR_IPC_PAYLOAD_TOO_LARGE]`,
      ),
    );
    contents.send('small', 'ok');
    peer.deliver({ kind: MessageKind.Invoke, seq: 2, id: 1, channel: 'big', args: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const messages = await sentMessages(peer);
    expect(messages.map((m) => m.kind)).toEqual([
      MessageKind.Hello,
      MessageKind.Message,
      MessageKind.InvokeReply,
    ]);
    expect(messages[1]).toMatchObject({ channel: 'small', args: ['ok'] });
    expect(messages[2]).toMatchObject({
      id: 1,
      ok: false,
      error: expect.stringContaining('accepts at most 2000'),
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.anything(), code: 'ERR_IPC_PAYLOAD_TOO_LARGE', channel: 'big' }),
      "Error occurred in handler for 'big'",
    );
    expect(peer.closed).toEqual([]);
  });

  it('knows the limit from the start when the transport brought it (memory link)', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const ipc = createMemoryIpc({ logger });
    const { ipcRenderer, webContents } = ipc.createRenderer({ limits: { maxPayload: 2000 } });
    const dropped: string[] = [];
    webContents.on('ipc-message-dropped', (error: IpcError) => dropped.push(error.code));
    webContents.send('big', 'x'.repeat(5000));
    expect(dropped).toEqual(['ERR_IPC_PAYLOAD_TOO_LARGE']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const received = new Promise((resolve) => ipcRenderer.once('small', (_event, value) => resolve(value)));
    webContents.send('small', 'fits');
    expect(await received).toBe('fits');
    expect(webContents.isDestroyed()).toBe(false);
    ipc.close();
  });

  it('throws an oversize returnValue to the listener, which may answer again', () => {
    const { main, peer } = setup();
    let caught: unknown;
    main.ipcMain.on('sync', (event) => {
      try {
        event.returnValue = 'x'.repeat(5000);
      } catch (error) {
        caught = error;
        event.returnValue = 'smaller';
      }
    });
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: 2000 });
    const replies: Uint8Array[] = [];
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 2, id: 1, channel: 'sync', args: [] }, (frame) =>
      replies.push(frame),
    );
    expect(caught).toMatchObject({ code: 'ERR_IPC_PAYLOAD_TOO_LARGE' });
    expect(replies.flatMap((frame) => decodeFrame(frame, 'renderer', DEFAULT_LIMITS))).toEqual([
      { kind: MessageKind.SyncReply, seq: 0, id: 1, value: 'smaller' },
    ]);
  });

  it('answers at once when a returnValue could not be sent and no listener set another', () => {
    const { main, logger, peer } = setup();
    main.ipcMain.on('too-big', (event) => {
      event.returnValue = 'x'.repeat(5000);
    });
    main.ipcMain.on('function', (event) => {
      event.returnValue = () => {};
    });
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: 2000 });
    const replies: Uint8Array[] = [];
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 2, id: 1, channel: 'too-big', args: [] }, (frame) =>
      replies.push(frame),
    );
    peer.deliverSync({ kind: MessageKind.SendSync, seq: 3, id: 2, channel: 'function', args: [] }, (frame) =>
      replies.push(frame),
    );
    expect(replies.flatMap((frame) => decodeFrame(frame, 'renderer', DEFAULT_LIMITS))).toEqual([
      { kind: MessageKind.SyncReply, seq: 0, id: 1, value: { error: 'reply was never sent' } },
      { kind: MessageKind.SyncReply, seq: 0, id: 2, value: { error: 'reply was never sent' } },
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ code: 'ERR_IPC_PAYLOAD_TOO_LARGE' }) }),
      "ipc-anywhere: a listener for 'too-big' threw",
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ code: 'ERR_IPC_NOT_CLONEABLE' }) }),
      "ipc-anywhere: a listener for 'function' threw",
    );
    expect(peer.closed).toEqual([]);
  });

  it('assumes the default without an announcement, and closes on an announced limit of 0', async () => {
    const { peer, contents } = setup();
    expect(() => contents.send('fine', 'x'.repeat(100_000))).not.toThrow();
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: 0 });
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it.each([1, 7, PROTOCOL_MIN_PAYLOAD - 1])(
    'closes a renderer that announces a limit of %i, below what the protocol needs',
    (limit) => {
      const { logger, peer, contents } = setup();
      peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: limit });
      expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
      expect(contents.isDestroyed()).toBe(true);
      expect(logger.error).toHaveBeenCalledWith(
        expect.objectContaining({ code: 'ERR_IPC_PROTOCOL' }),
        expect.stringContaining(`needs at least ${PROTOCOL_MIN_PAYLOAD}`),
      );
    },
  );

  it('refuses a transport whose handshake announced too small a limit, without throwing', () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const main = createMain({ logger });
    const peer = fakeTransport();
    const contents = addRenderer(
      main,
      { ...peer.transport, peerMaxPayload: 5 },
      { type: 'window', url: 'x:', origin: 'x:' },
    );
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
    expect(contents.isDestroyed()).toBe(true);
    expect(main.webContents.getAllWebContents()).toEqual([]);
  });

  it('answers an invoke whose error text does not fit with a short coded error', async () => {
    const { main, peer } = setup();
    main.ipcMain.handle('fails', () => {
      throw new Error('y'.repeat(5000));
    });
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: PROTOCOL_MIN_PAYLOAD });
    const longChannel = 'c'.repeat(3000);
    peer.deliver(
      { kind: MessageKind.Invoke, seq: 2, id: 1, channel: 'fails', args: [] },
      { kind: MessageKind.Invoke, seq: 3, id: 2, channel: longChannel, args: [] },
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    const replies = (await sentMessages(peer)).filter((m) => m.kind === MessageKind.InvokeReply);
    expect(replies).toEqual([
      expect.objectContaining({
        id: 1,
        ok: false,
        error: expect.stringContaining('[ERR_IPC_PAYLOAD_TOO_LARGE]'),
      }),
      expect.objectContaining({
        id: 2,
        ok: false,
        error: expect.stringContaining('[ERR_IPC_PAYLOAD_TOO_LARGE]'),
      }),
    ]);
    expect(peer.closed).toEqual([]);
  });

  it('a broadcast loop goes on past a renderer that cannot take the message', async () => {
    const { main, peer, contents } = setup();
    const other = fakeTransport();
    const otherContents = addRenderer(main, other.transport, { type: 'window', url: 'x:', origin: 'x:' });
    peer.deliver({ kind: MessageKind.Limits, seq: 1, maxPayload: PROTOCOL_MIN_PAYLOAD });
    for (const each of main.webContents.getAllWebContents()) each.send('news', 'z'.repeat(4000));
    const delivered = (await sentMessages(other)).filter((m) => m.kind === MessageKind.Message);
    expect(delivered).toEqual([expect.objectContaining({ channel: 'news' })]);
    expect((await sentMessages(peer)).filter((m) => m.kind === MessageKind.Message)).toEqual([]);
    expect(contents.isDestroyed()).toBe(false);
    expect(otherContents.isDestroyed()).toBe(false);
  });
});
