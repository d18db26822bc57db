import { describe, expect, it } from 'vitest';
import { attachTransport, IpcRenderer, lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import type { IpcError } from '../../../src/protocol/errors.js';
import { encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { type MainToRendererMessage, MessageKind } from '../../../src/protocol/messages.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import type { RendererTransport, RendererTransportEvents } from '../../../src/transports/transport.js';

/** A renderer whose "main" is driven by hand, over a transport without native ports. */
function setup() {
  let events!: RendererTransportEvents;
  const transport: RendererTransport = {
    capabilities: { sync: false, transfer: false },
    start: (e) => {
      events = e;
    },
    send: () => {},
    sendSync: () => {
      throw new Error('no sync');
    },
    close: () => {},
  };
  const ipcRenderer = new IpcRenderer();
  attachTransport(ipcRenderer, transport);
  let seq = 0;
  const deliver = (message: Partial<MainToRendererMessage> & { kind: number }, transfer?: unknown[]) =>
    events.frame(encodeFrame([encodeMessage({ ...message, seq: ++seq } as MainToRendererMessage)]), transfer);
  deliver({
    kind: MessageKind.Hello,
    protocolVersion: PROTOCOL_VERSION,
    webContentsId: 1,
    maxPayload: 1 << 20,
    resumeToken: '',
  });
  const closed = new Promise<IpcError>((resolve) => lifecycleOf(ipcRenderer).once('closed', resolve));
  return { ipcRenderer, deliver, closed };
}

describe('a renderer whose main breaks the MessagePort rules', () => {
  it('closes the connection for a native port reference that came without a port', async () => {
    const { deliver, closed } = setup();
    deliver({ kind: MessageKind.MainPostMessage, channel: 'p', message: null, ports: [0] });
    expect((await closed).message).toMatch(/native port/);
  });

  it('closes the connection for a port main never opened, and for a repeated new id', async () => {
    const first = setup();
    first.deliver({ kind: MessageKind.MainPortMessage, portId: 7, data: 1, ports: [] });
    expect((await first.closed).message).toMatch(/never opened/);
    const second = setup();
    second.deliver({ kind: MessageKind.MainPostMessage, channel: 'p', message: null, ports: [3] });
    second.deliver({ kind: MessageKind.MainPostMessage, channel: 'p', message: null, ports: [1] });
    expect((await second.closed).message).toMatch(/must increase/);
  });

  it('delivers a well-formed postMessage with the platform’s own ports', async () => {
    const { ipcRenderer, deliver } = setup();
    const got = new Promise<unknown[]>((resolve) =>
      ipcRenderer.once('p', (event, message) => resolve([message, event.ports[0] instanceof MessagePort])),
    );
    deliver({ kind: MessageKind.MainPostMessage, channel: 'p', message: 'hi', ports: [1] });
    expect(await got).toEqual(['hi', true]);
  });
});
