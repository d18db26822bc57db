import { describe, expect, it } from 'vitest';
import { MessageKind } from '../../../src/protocol/messages.js';
import { handDrivenMain } from './hand-driven-main.js';

const setup = () => handDrivenMain();

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
