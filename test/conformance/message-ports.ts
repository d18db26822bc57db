import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type IpcMainEvent,
  MessageChannelMain,
  type MessagePortMain,
  type MessagePortMainEvent,
} from '../../src/main.js';
import type { ConformanceTarget, RendererHandle, TargetFactory } from './harness.js';

/** Resolves with `[event, ...args]` of the next emission of `name`. */
function next<T extends unknown[] = any[]>(
  emitter: { once(name: string, listener: (...args: any[]) => void): unknown },
  name: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(name, (...args: any[]) => resolve(args as T)));
}

/** The next `'message'` event of a port (started here). */
function nextPortMessage(port: MessagePortMain): Promise<MessagePortMainEvent> {
  const message = next<[MessagePortMainEvent]>(port, 'message').then(([event]) => event);
  port.start();
  return message;
}

/**
 * Electron's MessagePort and MessageChannelMain specs (spec/api-ipc.spec.ts, "MessagePort"), run on
 * every transport: native ports on memory and worker renderers, virtual ports over WebSocket. Renderer
 * code keeps what it needs between calls on `globalThis`.
 */
export function defineMessagePortSuite(factory: TargetFactory): void {
  describe(`MessagePorts: ${factory.name}`, () => {
    let target: ConformanceTarget;
    let renderer: RendererHandle;

    beforeEach(async () => {
      target = await factory.create();
      renderer = await target.createRenderer();
    });

    afterEach(async () => {
      await target.close();
    });

    describe('MessagePort', () => {
      it('can send a port to the main process', async () => {
        const received = next<[IpcMainEvent, string]>(target.ipcMain, 'port');
        await renderer.run(({ ipcRenderer }) => {
          const channel = new MessageChannel();
          ipcRenderer.postMessage('port', 'hi', [channel.port1]);
        });
        const [event, message] = await received;
        expect(message).toBe('hi');
        expect(event.ports).toHaveLength(1);
        expect(event.sender).toBe(renderer.webContents);
        expect(event.senderFrame.url).toBe(renderer.webContents.getURL());
        expect(event.ports[0]).toBeInstanceOf(EventEmitter);
      });

      it('can sent a message without a transfer', async () => {
        const received = next<[IpcMainEvent, string]>(target.ipcMain, 'port');
        await renderer.run(({ ipcRenderer }) => ipcRenderer.postMessage('port', 'hi'));
        const [event, message] = await received;
        expect(message).toBe('hi');
        expect(event.ports).toEqual([]);
      });

      it('throws when the transferable is invalid', async () => {
        const errors = await renderer.run(({ ipcRenderer }) => {
          const texts: string[] = [];
          const attempt = (transfer: unknown): void => {
            try {
              ipcRenderer.postMessage('port', '', transfer as MessagePort[]);
              texts.push('no error');
            } catch (error) {
              texts.push(`${(error as Error).name}: ${(error as Error).message}`);
            }
          };
          const { port1 } = new MessageChannel();
          attempt([new ArrayBuffer(10)]);
          attempt('not a list');
          attempt([null]);
          attempt([port1, port1]);
          ipcRenderer.postMessage('port', '', [port1]);
          attempt([port1]);
          return texts;
        });
        expect(errors).toEqual(Array(5).fill('TypeError: Invalid value for transfer'));
      });

      it('can communicate between main and renderer', async () => {
        const received = next<[IpcMainEvent]>(target.ipcMain, 'port');
        await renderer.run(({ ipcRenderer }) => {
          const channel = new MessageChannel();
          channel.port2.onmessage = (event) => channel.port2.postMessage(event.data * 2);
          ipcRenderer.postMessage('port', '', [channel.port1]);
        });
        const [event] = await received;
        const [port] = event.ports;
        const reply = nextPortMessage(port!);
        port!.postMessage(42);
        expect((await reply).data).toBe(84);
      });

      it('can receive a port from a renderer over a MessagePort connection', async () => {
        const received = next<[IpcMainEvent]>(target.ipcMain, 'port');
        await renderer.run(({ ipcRenderer }) => {
          const channel1 = new MessageChannel();
          const channel2 = new MessageChannel();
          channel1.port2.postMessage('', [channel2.port1]);
          channel2.port2.postMessage('matryoshka');
          ipcRenderer.postMessage('port', '', [channel1.port1]);
        });
        const [
          {
            ports: [port1],
          },
        ] = await received;
        const {
          ports: [port2],
        } = await nextPortMessage(port1!);
        expect((await nextPortMessage(port2!)).data).toBe('matryoshka');
      });

      it('can forward a port from one renderer to another renderer', async () => {
        const other = await target.createRenderer();
        const received = next<[IpcMainEvent]>(target.ipcMain, 'port');
        await renderer.run(({ ipcRenderer }) => {
          const channel = new MessageChannel();
          channel.port2.onmessage = (event) => ipcRenderer.send('message received', event.data);
          ipcRenderer.postMessage('port', '', [channel.port1]);
        });
        const [
          {
            ports: [port],
          },
        ] = await received;
        await other.run(({ ipcRenderer }) => {
          ipcRenderer.on('port', ({ ports: [port] }) => port!.postMessage('a message'));
        });
        const arrived = next<[IpcMainEvent, string]>(target.ipcMain, 'message received');
        other.webContents.postMessage('port', '', [port!]);
        expect((await arrived)[1]).toBe('a message');
      });

      it('gives renderers the platform’s own MessagePorts', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.once('port', (event) => {
            ipcRenderer.send('kind', event.ports.length, event.ports[0] instanceof MessagePort);
          });
        });
        const kind = next<[IpcMainEvent, number, boolean]>(target.ipcMain, 'kind');
        renderer.webContents.postMessage('port', null, [new MessageChannelMain().port1]);
        expect((await kind).slice(1)).toEqual([1, true]);
      });

      describe('close event', () => {
        it('is emitted when the main process closes its end of the port', async () => {
          await renderer.run(({ ipcRenderer }) => {
            ipcRenderer.on('port', (event) => {
              const [port] = event.ports;
              port!.start();
              port!.addEventListener('close', () => ipcRenderer.send('closed'));
            });
          });
          const closed = next(target.ipcMain, 'closed');
          const { port1, port2 } = new MessageChannelMain();
          renderer.webContents.postMessage('port', null, [port2]);
          // After the port arrived: a port closed before it is sent is never transferred.
          await renderer.run(() => new Promise((resolve) => setTimeout(resolve, 50)));
          port1.close();
          await closed;
        });

        // Needs the page's own port to see its partner close: Chromium has no MessagePort close events.
        it.runIf(factory.capabilities.portCloseEvents !== false)(
          'is emitted when the other end of a port is sent to nowhere',
          async () => {
            const closed = await renderer.run(({ ipcRenderer }) => {
              const { port1, port2 } = new MessageChannel();
              return new Promise<string>((resolve) => {
                port2.start();
                port2.addEventListener('close', () => resolve('closed'));
                ipcRenderer.postMessage('nobody-listening', null, [port1]);
              });
            });
            expect(closed).toBe('closed');
          },
        );

        it('is emitted on a port main gave the renderer when the renderer closes its partner there', async () => {
          await renderer.run(({ ipcRenderer }) => {
            ipcRenderer.once('port', (event) => {
              (globalThis as any).keptPort = event.ports[0];
              ipcRenderer.send('got-port');
            });
          });
          const got = next(target.ipcMain, 'got-port');
          const { port1, port2 } = new MessageChannelMain();
          renderer.webContents.postMessage('port', null, [port2]);
          await got;
          const closed = next(port1, 'close');
          port1.start();
          await renderer.run(() => (globalThis as any).keptPort.close());
          await closed;
        });

        // Electron's renderers are pages: Node's MessagePorts (workers, Node clients) have no onclose.
        it.runIf(factory.capabilities.portCloseEvents === false)(
          'supports onclose on the ports a page receives',
          async () => {
            await renderer.run(({ ipcRenderer }) => {
              ipcRenderer.once('port', (event) => {
                const [port] = event.ports;
                port!.onclose = () => ipcRenderer.send('onclose');
                ipcRenderer.send('got-port');
              });
            });
            const got = next(target.ipcMain, 'got-port');
            const closedThere = next(target.ipcMain, 'onclose');
            const { port1, port2 } = new MessageChannelMain();
            renderer.webContents.postMessage('port', null, [port2]);
            await got;
            port1.close();
            await closedThere;
          },
        );

        it('is emitted in main when the renderer holding the other end goes away', async () => {
          const received = next<[IpcMainEvent]>(target.ipcMain, 'port');
          await renderer.run(({ ipcRenderer }) => {
            const channel = new MessageChannel();
            (globalThis as any).keptPort = channel.port2;
            ipcRenderer.postMessage('port', '', [channel.port1]);
          });
          const [
            {
              ports: [port],
            },
          ] = await received;
          port!.start();
          const closed = next(port!, 'close');
          renderer.webContents.close();
          await closed;
        });
      });
    });

    describe('MessageChannelMain', () => {
      it('can pass one end to a WebContents', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('port', (event) => {
            const [port] = event.ports;
            port!.onmessage = () => ipcRenderer.send('done');
          });
        });
        const done = next(target.ipcMain, 'done');
        const { port1, port2 } = new MessageChannelMain();
        port1.postMessage('hello');
        renderer.webContents.postMessage('port', null, [port2]);
        await done;
      });

      it('can be passed over another channel', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('port', (e1) => {
            e1.ports[0]!.onmessage = (e2: MessageEvent) => {
              e2.ports[0]!.onmessage = (e3: MessageEvent) => ipcRenderer.send('done', e3.data);
            };
          });
        });
        const done = next<[IpcMainEvent, string]>(target.ipcMain, 'done');
        const { port1, port2 } = new MessageChannelMain();
        const { port1: port3, port2: port4 } = new MessageChannelMain();
        port1.postMessage(null, [port4]);
        port3.postMessage('hello');
        renderer.webContents.postMessage('port', null, [port2]);
        expect((await done)[1]).toBe('hello');
      });

      it('keeps the order of many messages both ways, with Maps and typed arrays', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('port', (event) => {
            const [port] = event.ports;
            // Echoes every message, as it came.
            port!.onmessage = (message: MessageEvent) => port!.postMessage(message.data);
          });
        });
        const { port1, port2 } = new MessageChannelMain();
        renderer.webContents.postMessage('port', null, [port2]);
        const count = 500;
        const echoes: unknown[] = [];
        const all = new Promise<void>((resolve) =>
          port1.on('message', (event: MessagePortMainEvent) => {
            echoes.push(event.data);
            if (echoes.length === count) resolve();
          }),
        );
        port1.start();
        const sent = Array.from({ length: count }, (_, i) => ({
          i,
          map: new Map([[i, `v${i}`]]),
          bytes: new Uint8Array([i & 255, 1, 2]),
        }));
        for (const message of sent) port1.postMessage(message);
        await all;
        expect(echoes).toEqual(sent);
      });
    });

    describe('ports main hands out', () => {
      it('keep their order when some messages transfer an ArrayBuffer (which is detached)', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.once('port', (event) => {
            const [port] = event.ports;
            const buffer = new ArrayBuffer(8);
            port!.postMessage('a');
            port!.postMessage({ b: buffer }, [buffer]);
            port!.postMessage('c');
            ipcRenderer.send('detached', buffer.byteLength);
          });
        });
        const detached = next<[IpcMainEvent, number]>(target.ipcMain, 'detached');
        const { port1, port2 } = new MessageChannelMain();
        const seen: unknown[] = [];
        const three = new Promise<void>((resolve) =>
          port1.on('message', (event: MessagePortMainEvent) => {
            seen.push(event.data);
            if (seen.length === 3) resolve();
          }),
        );
        port1.start();
        renderer.webContents.postMessage('port', null, [port2]);
        expect((await detached)[1]).toBe(0);
        await three;
        expect(seen).toEqual(['a', { b: new ArrayBuffer(8) }, 'c']);
      });

      it('drop what is posted after they closed', async () => {
        const { port1, port2 } = new MessageChannelMain();
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.once('port', (event) => {
            const [port] = event.ports;
            port!.close();
            port!.postMessage('after close');
            ipcRenderer.send('posted');
          });
        });
        const seen: unknown[] = [];
        port1.on('message', (event: MessagePortMainEvent) => seen.push(event.data));
        const closed = next(port1, 'close');
        port1.start();
        const posted = next(target.ipcMain, 'posted');
        renderer.webContents.postMessage('port', null, [port2]);
        await posted;
        await closed;
        expect(seen).toEqual([]);
      });
    });

    describe('WebContents.postMessage', () => {
      it('sends a message', async () => {
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('foo', (_event, message) => ipcRenderer.send('bar', message));
        });
        const bar = next<[IpcMainEvent, unknown]>(target.ipcMain, 'bar');
        renderer.webContents.postMessage('foo', { some: 'message' });
        expect((await bar)[1]).toEqual({ some: 'message' });
      });

      it('throws Electron’s errors for bad arguments, and sends nothing', () => {
        const contents = renderer.webContents as any;
        expect(() => contents.postMessage()).toThrow(/Insufficient number of arguments/);
        expect(() => contents.postMessage(null, '', [])).toThrow(/Error processing argument at index 0/);
        expect(() => contents.postMessage('channel')).toThrow(/Insufficient number of arguments/);
        expect(() => contents.postMessage('channel', () => {})).toThrow(/An object could not be cloned/);
        expect(() => contents.postMessage('', '', null)).toThrow(/Invalid value for transfer/);
        expect(() => contents.postMessage('channel', '', [123])).toThrow(/Invalid value for transfer/);
        expect(() => contents.postMessage('foo', null, [null])).toThrow(/Invalid value for transfer/);
        const { port1 } = new MessageChannelMain();
        expect(() => contents.postMessage('foo', null, [port1, port1])).toThrow(/duplicate/);
        contents.postMessage('foo', null, [port1]);
        expect(() => contents.postMessage('foo', null, [port1])).toThrow(/already neutered/);
      });

      it('leaves the ports usable when the message cannot be sent', async () => {
        const { port1, port2 } = new MessageChannelMain();
        expect(() => renderer.webContents.postMessage('foo', () => {}, [port2])).toThrow(
          /An object could not be cloned/,
        );
        const echo = nextPortMessage(port2);
        port1.postMessage('still here');
        expect((await echo).data).toBe('still here');
      });
    });
  });
}
