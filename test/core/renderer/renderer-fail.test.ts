import { describe, expect, it } from 'vitest';
import { attachTransport, IpcRenderer, lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { type MainToRendererMessage, MessageKind } from '../../../src/protocol/messages.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import type { RendererTransport, RendererTransportEvents } from '../../../src/transports/transport.js';

/**
 * A renderer over a transport that reports its own closure at once when closed, as the WebSocket
 * transport does ("The renderer closed its connection."), with main driven by hand.
 */
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
    close: () => events.close(new IpcError(IpcErrorCode.Closed, 'The renderer closed its connection.')),
  };
  const ipcRenderer = new IpcRenderer();
  attachTransport(ipcRenderer, transport);
  const deliver = (message: Partial<MainToRendererMessage> & { kind: number; seq: number }) =>
    events.frame(encodeFrame([encodeMessage(message as MainToRendererMessage)]));
  deliver({
    kind: MessageKind.Hello,
    seq: 1,
    protocolVersion: PROTOCOL_VERSION,
    webContentsId: 1,
    maxPayload: 1 << 20,
    resumeToken: '',
  });
  const closed = new Promise<IpcError>((resolve) => lifecycleOf(ipcRenderer).once('closed', resolve));
  return { ipcRenderer, deliver, closed };
}

describe('a renderer that ends its connection because main broke the protocol', () => {
  it('reports why, not only that it closed the connection', async () => {
    const { ipcRenderer, deliver, closed } = setup();
    const call = ipcRenderer.invoke('anything').catch((error: unknown) => error as IpcError);
    // Message 3 where 2 was due: something was lost.
    deliver({ kind: MessageKind.Message, seq: 3, senderId: 0, channel: 'c', args: [] });
    const error = await closed;
    expect(error.code).toBe(IpcErrorCode.Closed);
    expect(error.message).toBe('Expected message 2 from main, received 3.');
    expect((error.cause as IpcError).code).toBe(IpcErrorCode.Protocol);
    expect(await call).toBe(error);
  });
});
