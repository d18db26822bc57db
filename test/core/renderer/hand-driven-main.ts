import { attachTransport, IpcRenderer, lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { type MainToRendererMessage, MessageKind } from '../../../src/protocol/messages.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import type { RendererTransport, RendererTransportEvents } from '../../../src/transports/transport.js';

/**
 * A renderer whose "main" is driven by hand, over a transport without native ports or sync, already
 * greeted by main's hello (message 1). `deliver` numbers each message after the last unless it
 * carries its own `seq`. With `closeReportsAtOnce`, closing the transport reports the closure at once,
 * as the WebSocket transport does.
 */
export function handDrivenMain(options: { closeReportsAtOnce?: boolean } = {}) {
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
    close: () => {
      if (options.closeReportsAtOnce)
        events.close(new IpcError(IpcErrorCode.Closed, 'The renderer closed its connection.'));
    },
  };
  const ipcRenderer = new IpcRenderer();
  attachTransport(ipcRenderer, transport);
  let seq = 0;
  const deliver = (message: Partial<MainToRendererMessage> & { kind: number }, transfer?: unknown[]) => {
    seq = message.seq ?? seq + 1;
    events.frame(encodeFrame([encodeMessage({ ...message, seq } as MainToRendererMessage)]), transfer);
  };
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
