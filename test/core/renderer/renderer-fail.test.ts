import { describe, expect, it } from 'vitest';
import { type IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { MessageKind } from '../../../src/protocol/messages.js';
import { handDrivenMain } from './hand-driven-main.js';

describe('a renderer that ends its connection because main broke the protocol', () => {
  it('reports why, not only that it closed the connection', async () => {
    // Closing the transport reports the closure at once, as the WebSocket transport does.
    const { ipcRenderer, deliver, closed } = handDrivenMain({ closeReportsAtOnce: true });
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
