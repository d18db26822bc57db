import { describe, expect, it, vi } from 'vitest';
import { addRenderer, createMain } from '../../../src/api/main-context.js';
import { MAX_OPEN_PORTS } from '../../../src/core/main/main-ports.js';
import type { IpcMainEvent, MessagePortMainEvent } from '../../../src/main.js';
import { MessageChannelMain } from '../../../src/main.js';
import type { IpcError } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import {
  type MainToRendererMessage,
  MessageKind,
  type RendererToMainMessage,
} from '../../../src/protocol/messages.js';
import type { MainTransport, MainTransportEvents } from '../../../src/transports/transport.js';

/** A main-side transport without native ports, driven by hand: a hostile or honest page. */
function setup(transfer = false) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const main = createMain({ logger });
  const sent: { frame: Uint8Array; transfer?: readonly unknown[] }[] = [];
  const closed: IpcError[] = [];
  let events!: MainTransportEvents;
  const transport: MainTransport = {
    capabilities: { sync: false, transfer },
    start: (e) => {
      events = e;
    },
    send: (frame, list) => sent.push({ frame, ...(list && { transfer: list }) }),
    close: (reason) => closed.push(reason),
  };
  const contents = addRenderer(main, transport, { type: 'window', url: 'http://a/', origin: 'http://a' });
  let seq = 0;
  const deliver = (message: Partial<RendererToMainMessage> & { kind: number }, list?: unknown[]): void => {
    const numbered = { ...message, seq: ++seq } as RendererToMainMessage;
    events.frame(encodeFrame([encodeMessage(numbered)]), undefined, false, list);
  };
  /** Everything main sent, decoded (after the outbox flushed). */
  const received = async (): Promise<MainToRendererMessage[]> => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return sent.flatMap(({ frame }) => decodeFrame(frame, 'renderer', DEFAULT_LIMITS));
  };
  return { main, logger, contents, closed, deliver, received, sent };
}

const codes = (closed: IpcError[]) => closed.map((reason) => reason.code);

describe('MainPorts over a transport without native ports (virtual ports)', () => {
  it('turns a renderer’s virtual port into a MessagePortMain and relays both ways, in order', async () => {
    const { main, deliver, received } = setup();
    const event = new Promise<IpcMainEvent>((resolve) => main.ipcMain.once('port', resolve));
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 'hi', ports: [2] });
    const [port] = (await event).ports;
    const data: unknown[] = [];
    port!.on('message', (e: MessagePortMainEvent) => data.push(e.data));
    port!.start();
    deliver({ kind: MessageKind.RendererPortMessage, portId: 2, data: 1, ports: [] });
    deliver({ kind: MessageKind.RendererPortMessage, portId: 2, data: new Map([[1, 2]]), ports: [] });
    port!.postMessage('back');
    await vi.waitFor(() => expect(data).toEqual([1, new Map([[1, 2]])]));
    const out = await received();
    expect(out.filter((m) => m.kind === MessageKind.MainPortMessage)).toEqual([
      { kind: MessageKind.MainPortMessage, seq: expect.any(Number), portId: 2, data: 'back', ports: [] },
    ]);
  });

  it('sends webContents.postMessage ports as new odd ids, and closes them with the renderer', async () => {
    const { contents, received } = setup();
    const { port1, port2 } = new MessageChannelMain();
    contents.postMessage('port', { a: 1 }, [port2]);
    const [, post] = await received();
    expect(post).toMatchObject({
      kind: MessageKind.MainPostMessage,
      channel: 'port',
      ports: [1],
      message: { a: 1 },
    });
    const closed = new Promise((resolve) => port1.once('close', resolve));
    port1.start();
    contents.close();
    await closed;
  });

  it('tells the renderer when main’s end closes', async () => {
    const { contents, received } = setup();
    const { port1, port2 } = new MessageChannelMain();
    contents.postMessage('port', null, [port2]);
    port1.close();
    await vi.waitFor(async () =>
      expect((await received()).some((m) => m.kind === MessageKind.MainPortClose && m.portId === 1)).toBe(
        true,
      ),
    );
  });

  it('refuses, with a coded close and no crash, a port id the renderer never created', () => {
    const { deliver, closed, logger } = setup();
    deliver({ kind: MessageKind.RendererPortMessage, portId: 8, data: 0, ports: [] });
    expect(codes(closed)).toEqual(['ERR_IPC_PROTOCOL']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_PROTOCOL' }),
      expect.stringContaining('[ERR_IPC_PROTOCOL]'),
    );
  });

  it('refuses a main port id main never created', () => {
    const { deliver, closed } = setup();
    deliver({ kind: MessageKind.RendererPortClose, portId: 5 });
    expect(codes(closed)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it('refuses a new port id that does not increase', () => {
    const { main, deliver, closed } = setup();
    main.ipcMain.on('port', () => {});
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 0, ports: [4] });
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 0, ports: [2] });
    expect(codes(closed)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it('drops a message for a port closed meanwhile', async () => {
    const { main, deliver, closed } = setup();
    const event = new Promise<IpcMainEvent>((resolve) => main.ipcMain.once('port', resolve));
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 0, ports: [2] });
    (await event).ports[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    deliver({ kind: MessageKind.RendererPortMessage, portId: 2, data: 'late', ports: [] });
    deliver({ kind: MessageKind.RendererPortClose, portId: 2 });
    expect(closed).toEqual([]);
  });

  it('refuses a native port reference on a transport that brought none', () => {
    const { deliver, closed } = setup();
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 0, ports: [0] });
    expect(codes(closed)).toEqual(['ERR_IPC_PROTOCOL']);
  });

  it('refuses ports a frame brought that no message references, and closes them', async () => {
    const { deliver, closed } = setup(true);
    const { port1, port2 } = new MessageChannel();
    const port2Closed = new Promise((resolve) => port2.addEventListener('close', resolve));
    deliver({ kind: MessageKind.Send, channel: 'x', args: [] }, [port1]);
    expect(codes(closed)).toEqual(['ERR_IPC_PROTOCOL']);
    await port2Closed;
  });

  it('refuses more open virtual ports than MAX_OPEN_PORTS, with a coded close', () => {
    const { main, deliver, closed } = setup();
    const kept: unknown[] = [];
    main.ipcMain.on('port', (event) => kept.push(...event.ports));
    const ports = Array.from({ length: MAX_OPEN_PORTS + 1 }, (_, i) => 2 * (i + 1));
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'port', message: 0, ports });
    expect(codes(closed)).toEqual(['ERR_IPC_LIMIT_EXCEEDED']);
    expect(kept).toEqual([]);
  });

  it('closes the ports of a postMessage nobody listens to', async () => {
    const { deliver, received } = setup();
    deliver({ kind: MessageKind.RendererPostMessage, channel: 'nobody', message: 0, ports: [2] });
    await vi.waitFor(async () =>
      expect((await received()).some((m) => m.kind === MessageKind.MainPortClose && m.portId === 2)).toBe(
        true,
      ),
    );
  });
});
