import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MessageChannelMain, MessagePortMain, type MessagePortMainEvent } from '../../../src/main.js';

function nextEvent<T = unknown>(port: MessagePortMain, name: string): Promise<T> {
  return new Promise((resolve) => port.once(name, resolve));
}

/** Electron's spec/api-ipc.spec.ts, "MessageChannelMain": the cases that need no renderer. */
describe('MessageChannelMain', () => {
  it('can be created', () => {
    const { port1, port2 } = new MessageChannelMain();
    expect(port1).toBeInstanceOf(MessagePortMain);
    expect(port2).toBeInstanceOf(EventEmitter);
    port1.close();
  });

  it('should not throw when supported values are passed as message', () => {
    const { port1 } = new MessageChannelMain();
    expect(() => port1.postMessage()).not.toThrow();
    for (const value of [undefined, 42, false, [], 'hello', { hello: 'goodbye' }]) {
      expect(() => port1.postMessage(value)).not.toThrow();
    }
    port1.close();
  });

  it('throws an error when an invalid parameter is sent to postMessage', () => {
    const { port1 } = new MessageChannelMain();
    for (const invalid of [new ArrayBuffer(10), '1', new Date()]) {
      expect(() => port1.postMessage(null, [invalid as any])).toThrow('Port at index 0 is not a valid port.');
    }
    port1.close();
  });

  it('throws when postMessage transferables contains the source port', () => {
    const { port1 } = new MessageChannelMain();
    expect(() => port1.postMessage(null, [port1])).toThrow('Port at index 0 contains the source port.');
    port1.close();
  });

  it('can send messages within the process', async () => {
    const { port1, port2 } = new MessageChannelMain();
    port2.postMessage('hello');
    const event = nextEvent<MessagePortMainEvent>(port1, 'message');
    port1.start();
    expect((await event).data).toBe('hello');
    expect((await event).ports).toEqual([]);
    port1.close();
  });

  it('keeps messages until start()', async () => {
    const { port1, port2 } = new MessageChannelMain();
    const seen: unknown[] = [];
    port1.on('message', (event: MessagePortMainEvent) => seen.push(event.data));
    port2.postMessage(1);
    port2.postMessage(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    const second = new Promise((resolve) => port1.on('message', (event) => event.data === 2 && resolve(0)));
    port1.start();
    await second;
    expect(seen).toEqual([1, 2]);
    port1.close();
  });

  it('transfers ports, which arrive as MessagePortMains', async () => {
    const { port1, port2 } = new MessageChannelMain();
    const { port1: port3, port2: port4 } = new MessageChannelMain();
    port1.postMessage('with a port', [port4]);
    port2.start();
    const { ports } = await nextEvent<MessagePortMainEvent>(port2, 'message');
    expect(ports).toHaveLength(1);
    expect(ports[0]).toBeInstanceOf(MessagePortMain);
    port3.postMessage('through it');
    ports[0]!.start();
    expect((await nextEvent<MessagePortMainEvent>(ports[0]!, 'message')).data).toBe('through it');
    port1.close();
    port3.close();
  });

  it('can send messages to a closed port', () => {
    const { port1, port2 } = new MessageChannelMain();
    port2.start();
    port2.on('message', () => {
      throw new Error('unexpected message received');
    });
    port1.close();
    expect(() => port1.postMessage('hello')).not.toThrow();
  });

  it('can send messages to a port whose remote end is closed', () => {
    const { port1, port2 } = new MessageChannelMain();
    port2.start();
    port2.on('message', () => {
      throw new Error('unexpected message received');
    });
    port2.close();
    expect(() => port1.postMessage('hello')).not.toThrow();
  });

  it('throws when passing null ports', () => {
    const { port1 } = new MessageChannelMain();
    expect(() => port1.postMessage(null, [null] as any)).toThrow(/Port at index 0 is not a valid port/);
    port1.close();
  });

  it('throws when passing duplicate ports', () => {
    const { port1 } = new MessageChannelMain();
    const { port1: port3 } = new MessageChannelMain();
    expect(() => port1.postMessage(null, [port3, port3])).toThrow('Port at index 1 is a duplicate.');
    port1.close();
    port3.close();
  });

  it('throws when passing ports that have already been neutered', () => {
    const { port1 } = new MessageChannelMain();
    const { port1: port3 } = new MessageChannelMain();
    port1.postMessage(null, [port3]);
    expect(() => port1.postMessage(null, [port3])).toThrow('Port at index 0 is already neutered.');
    port1.close();
  });

  it('throws when passing itself', () => {
    const { port1 } = new MessageChannelMain();
    expect(() => port1.postMessage(null, [port1])).toThrow(/contains the source port/);
    port1.close();
  });

  it('throws Electron’s clone error for what cannot be cloned, and keeps the ports', async () => {
    const { port1, port2 } = new MessageChannelMain();
    const { port1: port3 } = new MessageChannelMain();
    expect(() => port1.postMessage(() => {}, [port3])).toThrow('An object could not be cloned.');
    expect(() => port1.postMessage(null, [port3])).not.toThrow();
    port2.start();
    expect((await nextEvent<MessagePortMainEvent>(port2, 'message')).ports).toHaveLength(1);
    port1.close();
  });

  it('emits close on both ends when one closes', async () => {
    const { port1, port2 } = new MessageChannelMain();
    const closed = Promise.all([nextEvent(port1, 'close'), nextEvent(port2, 'close')]);
    port1.close();
    await closed;
  });

  it('cannot be constructed by user code', () => {
    expect(() => new (MessagePortMain as any)()).toThrow(TypeError);
  });

  describe('GC behavior', () => {
    it('is not collected while it could still receive messages', async () => {
      let trigger!: (value: unknown) => void;
      const promise = new Promise((resolve) => {
        trigger = resolve;
      });
      const port1 = (() => {
        const { port1, port2 } = new MessageChannelMain();
        port2.on('message', (event: MessagePortMainEvent) => trigger(event.data));
        port2.start();
        return port1;
      })();
      (globalThis as { gc?: () => void }).gc?.();
      port1.postMessage('hello');
      expect(await promise).toBe('hello');
      port1.close();
    });
  });
});
