import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainEvent } from '../../src/main.js';
import type { ConformanceTarget, RendererHandle, TargetFactory } from './harness.js';

/** Resolves with `[event, ...args]` of the next message on `channel`. */
function nextMessage(
  emitter: { once(channel: string, listener: (...args: any[]) => void): unknown },
  channel: string,
): Promise<[IpcMainEvent, ...any[]]> {
  return new Promise((resolve) =>
    emitter.once(channel, (...args: any[]) => resolve(args as [IpcMainEvent, ...any[]])),
  );
}

/**
 * Electron's IPC behaviour, written once against {@link ConformanceTarget} and run unchanged for every
 * transport. Test names follow Electron's own spec files (spec/api-ipc*.spec.ts) where one exists.
 */
export function defineConformanceSuite(factory: TargetFactory): void {
  describe(`conformance: ${factory.name}`, () => {
    let target: ConformanceTarget;
    let renderer: RendererHandle;

    beforeEach(async () => {
      target = await factory.create();
      renderer = await target.createRenderer();
    });

    afterEach(async () => {
      await target.close();
    });

    describe('ipcMain module', () => {
      it('is not used for internals', async () => {
        expect(target.ipcMain.eventNames()).toEqual(['error']);
        expect(renderer.webContents.ipc.eventNames()).toEqual(['error']);
      });

      it('can be replied to', async () => {
        target.ipcMain.on('test-echo', (event, arg) => event.reply('test-echo', arg));
        const reply = await renderer.run(async ({ ipcRenderer }) => {
          const answer = new Promise((resolve) =>
            ipcRenderer.once('test-echo', (_event, arg) => resolve(arg)),
          );
          ipcRenderer.send('test-echo', 'hello');
          return answer;
        });
        expect(reply).toBe('hello');
      });

      it('replies through event.sender.send as well', async () => {
        target.ipcMain.on('ping', (event, n) => event.sender.send('pong', n + 1));
        const reply = await renderer.run(async ({ ipcRenderer }) => {
          const answer = new Promise((resolve) => ipcRenderer.once('pong', (_event, n) => resolve(n)));
          ipcRenderer.send('ping', 41);
          return answer;
        });
        expect(reply).toBe(42);
      });

      it('removes only the given channel', () => {
        target.ipcMain.on('channel1', () => {});
        target.ipcMain.on('channel2', () => {});
        target.ipcMain.removeAllListeners('channel1');
        expect(target.ipcMain.eventNames()).toEqual(['error', 'channel2']);
      });

      it('removes all channels if no channel is specified', () => {
        target.ipcMain.on('channel1', () => {});
        target.ipcMain.on('channel2', () => {});
        target.ipcMain.removeAllListeners();
        expect(target.ipcMain.eventNames()).toEqual([]);
      });

      it('warns when a channel passes the default of 10 listeners', async () => {
        // Caught where EventEmitter hands it to Node, so the expected warning is checked here and not
        // printed in the test output (where it would read like a leak).
        const warnings: unknown[] = [];
        const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation((warning) => {
          warnings.push(warning);
        });
        try {
          for (let i = 0; i < 11; i++) target.ipcMain.on('crowded', () => {});
        } finally {
          emitWarning.mockRestore();
          target.ipcMain.removeAllListeners('crowded');
        }
        expect(warnings.map((warning) => (warning as Error).name)).toEqual(['MaxListenersExceededWarning']);
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.getMaxListeners())).toBe(10);
      });

      it('survives a renderer sending on the error channel', async () => {
        const received = nextMessage(target.ipcMain, 'after-error');
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.send('error', new Error('from renderer'));
          ipcRenderer.send('after-error', 1);
        });
        const [, value] = await received;
        expect(value).toBe(1);
      });
    });

    describe('event objects', () => {
      it('gives main listeners sender, frameId, processId, senderFrame, ports and reply', async () => {
        const received = nextMessage(target.ipcMain, 'inspect');
        await renderer.run(({ ipcRenderer }) => ipcRenderer.send('inspect', 'a', 2));
        const [event, a, b] = await received;
        expect([a, b]).toEqual(['a', 2]);
        expect(event.sender).toBe(renderer.webContents);
        expect(event.type).toBe('frame');
        expect(event.frameId).toBe(1);
        expect(event.processId).toBe(renderer.webContents.getProcessId());
        expect(event.senderFrame.url).toBe(renderer.webContents.getURL());
        expect(typeof event.senderFrame.origin).toBe('string');
        expect(event.ports).toEqual([]);
        expect(typeof event.reply).toBe('function');
      });

      it('gives invoke handlers an event without reply or returnValue', async () => {
        let seen: Record<string, unknown> = {};
        target.ipcMain.handle('inspect', (event) => {
          seen = { ...event };
          return 'ok';
        });
        await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('inspect'));
        expect(seen.sender).toBe(renderer.webContents);
        expect(seen.frameId).toBe(1);
        expect('reply' in seen).toBe(false);
        expect('returnValue' in seen).toBe(false);
      });

      it('gives renderer listeners (event, ...args) with event.sender === ipcRenderer and empty ports', async () => {
        const result = renderer.run(
          ({ ipcRenderer }) =>
            new Promise((resolve) => {
              ipcRenderer.once('to-renderer', (event, a, b) =>
                resolve({ isSender: event.sender === ipcRenderer, ports: event.ports, a, b }),
              );
              ipcRenderer.send('ready');
            }),
        );
        await nextMessage(target.ipcMain, 'ready');
        renderer.webContents.send('to-renderer', 'x', { y: 1 });
        expect(await result).toEqual({ isSender: true, ports: [], a: 'x', b: { y: 1 } });
      });
    });

    describe('ipcRenderer module', () => {
      it('is not used for internals', async () => {
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.eventNames())).toEqual([]);
      });

      it('removes only the given channel', async () => {
        const names = await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('channel1', () => {});
          ipcRenderer.on('channel2', () => {});
          ipcRenderer.removeAllListeners('channel1');
          return ipcRenderer.eventNames();
        });
        expect(names).toEqual(['channel2']);
      });

      it('removes all channels if no channel is specified', async () => {
        const names = await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.on('channel1', () => {});
          ipcRenderer.on('channel2', () => {});
          ipcRenderer.removeAllListeners();
          return ipcRenderer.eventNames();
        });
        expect(names).toEqual([]);
      });

      it('has Node EventEmitter semantics: once, off, listenerCount, listener order', async () => {
        target.ipcMain.on('echo-twice', (event, channel) => {
          event.reply(channel);
          event.reply(channel);
          event.reply('done');
        });
        const result = await renderer.run(async ({ ipcRenderer }) => {
          const calls: string[] = [];
          const second = () => calls.push('second');
          ipcRenderer.on('order', () => calls.push('first'));
          ipcRenderer.addListener('order', second);
          ipcRenderer.once('order', () => calls.push('once'));
          const before = ipcRenderer.listenerCount('order');
          const done = new Promise((resolve) => ipcRenderer.on('done', resolve));
          ipcRenderer.send('echo-twice', 'order');
          await done;
          ipcRenderer.off('order', second);
          return { calls, before, after: ipcRenderer.listenerCount('order') };
        });
        expect(result).toEqual({
          calls: ['first', 'second', 'once', 'first', 'second'],
          before: 3,
          after: 1,
        });
      });

      it('should work when sending an object containing id property', async () => {
        const received = nextMessage(target.ipcMain, 'message');
        await renderer.run(({ ipcRenderer }) => ipcRenderer.send('message', { id: 1, name: 'ly' }));
        expect((await received)[1]).toEqual({ id: 1, name: 'ly' });
      });

      it('can send instances of Date as Dates', async () => {
        const received = nextMessage(target.ipcMain, 'message');
        await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.send('message', new Date('2016-01-29T08:00:00Z')),
        );
        const [, date] = await received;
        expect(date).toBeInstanceOf(Date);
        expect(date.toISOString()).toBe('2016-01-29T08:00:00.000Z');
      });

      it('can send instances of Buffer (they arrive as Uint8Array with only their own bytes)', async () => {
        const result = renderer.run(
          ({ ipcRenderer }) =>
            new Promise((resolve) => {
              ipcRenderer.once('buffer', (_event, value) =>
                resolve({
                  isUint8Array: Object.getPrototypeOf(value) === Uint8Array.prototype,
                  bytes: Array.from(value),
                  bufferLength: value.buffer.byteLength,
                }),
              );
              ipcRenderer.send('ready');
            }),
        );
        await nextMessage(target.ipcMain, 'ready');
        renderer.webContents.send('buffer', Buffer.from('hey'));
        expect(await result).toEqual({ isUint8Array: true, bytes: [104, 101, 121], bufferLength: 3 });
      });

      it('can send objects that both reference the same object', async () => {
        const received = nextMessage(target.ipcMain, 'message');
        await renderer.run(({ ipcRenderer }) => {
          const child = { hello: 'world' };
          ipcRenderer.send('message', { a: child, b: child }, child);
        });
        const [, parent, child] = await received;
        expect(parent).toEqual({ a: { hello: 'world' }, b: { hello: 'world' } });
        expect(parent.a).toBe(parent.b);
        expect(parent.a).toBe(child);
      });

      it('can handle cyclic references', async () => {
        const received = nextMessage(target.ipcMain, 'message');
        await renderer.run(({ ipcRenderer }) => {
          const array: unknown[] = [5];
          array.push(array);
          const object: Record<string, unknown> = { hello: 'world' };
          object.self = object;
          ipcRenderer.send('message', array, object);
        });
        const [, array, object] = await received;
        expect(array[0]).toBe(5);
        expect(array[1]).toBe(array);
        expect(object.self).toBe(object);
      });

      it('preserves what structured clone preserves, both ways', async () => {
        target.ipcMain.on('echo', (event, ...args) => event.reply('echo', ...args));
        const result = await renderer.run(async ({ ipcRenderer }) => {
          const cause = new RangeError('inner');
          const sparse: unknown[] = [1];
          sparse[2] = 3;
          const values = [
            undefined,
            Number.NaN,
            -0,
            Number.POSITIVE_INFINITY,
            12345678901234567890n,
            new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 'a'])]]),
            /ab+c/gi,
            new Float64Array([1.5, -0]),
            new DataView(new Uint8Array([1, 2, 3]).buffer, 1, 2),
            new Error('outer', { cause }),
            sparse,
            new (class Point {
              x = 1;
            })(),
            Object(7),
          ];
          const echoed = await new Promise<unknown[]>((resolve) => {
            ipcRenderer.once('echo', (_event, ...args) => resolve(args));
            ipcRenderer.send('echo', ...values);
          });
          const [u, nan, negZero, inf, big, map, regexp, floats, view, error, holes, point, boxed] =
            echoed as any[];
          const [key, set] = [...map.entries()][0];
          return {
            undefinedKept: u === undefined && echoed.length === values.length,
            nan: Number.isNaN(nan),
            negZero: Object.is(negZero, -0),
            inf: inf === Number.POSITIVE_INFINITY,
            big: big === 12345678901234567890n,
            map: key.k === 1 && set instanceof Set && set.has('a'),
            regexp: regexp instanceof RegExp && regexp.source === 'ab+c' && regexp.flags === 'gi',
            floats: floats instanceof Float64Array && Object.is(floats[1], -0),
            view: view instanceof DataView && view.byteLength === 2 && view.getUint8(0) === 2,
            error:
              error instanceof Error &&
              error.message === 'outer' &&
              error.cause instanceof RangeError &&
              error.cause.message === 'inner',
            holes: holes.length === 3 && !(1 in holes),
            point: Object.getPrototypeOf(point) === Object.prototype && point.x === 1,
            boxed: boxed instanceof Number && boxed.valueOf() === 7,
          };
        });
        expect(result).toEqual({
          undefinedKept: true,
          nan: true,
          negZero: true,
          inf: true,
          big: true,
          map: true,
          regexp: true,
          floats: true,
          view: true,
          error: true,
          holes: true,
          point: true,
          boxed: true,
        });
      });

      it('throws synchronously when an argument cannot be cloned', async () => {
        const result = await renderer.run(({ ipcRenderer }) => {
          const texts: string[] = [];
          for (const bad of [() => 1, Symbol('s'), Promise.resolve(), new WeakMap(), { nested: [() => 1] }]) {
            try {
              ipcRenderer.send('bad', bad);
              texts.push('no error');
            } catch (error) {
              texts.push(`${String(error)} ${(error as { code?: string }).code}`);
            }
          }
          return texts;
        });
        expect(result).toEqual(Array(5).fill('Error: An object could not be cloned. ERR_IPC_NOT_CLONEABLE'));
      });

      it("throws Electron's TypeError for a channel that is not a string", async () => {
        const result = await renderer.run(async ({ ipcRenderer }) => {
          const texts: string[] = [];
          const attempt = (call: () => unknown) => {
            try {
              call();
              texts.push('no error');
            } catch (error) {
              texts.push(String(error));
            }
          };
          attempt(() => ipcRenderer.send(undefined as unknown as string));
          attempt(() => ipcRenderer.send(null as unknown as string));
          attempt(() => ipcRenderer.sendSync(42 as unknown as string));
          attempt(() => ipcRenderer.sendToHost({} as unknown as string));
          await ipcRenderer
            .invoke(null as unknown as string)
            .catch((error: unknown) => texts.push(String(error)));
          return texts;
        });
        expect(result).toEqual([
          'TypeError: Error processing argument at index 1, conversion failure from undefined',
          'TypeError: Error processing argument at index 1, conversion failure from null',
          'TypeError: Error processing argument at index 1, conversion failure from ',
          'TypeError: Error processing argument at index 0, conversion failure from ',
          'TypeError: Error processing argument at index 1, conversion failure from null',
        ]);
      });

      it('sendToHost from a page that is not a guest never reaches ipcMain', async () => {
        let reached = false;
        target.ipcMain.on('host-only', () => {
          reached = true;
        });
        const after = nextMessage(target.ipcMain, 'after');
        await renderer.run(({ ipcRenderer }) => {
          ipcRenderer.sendToHost('host-only', 1);
          ipcRenderer.send('after');
        });
        await after;
        expect(reached).toBe(false);
      });
    });

    describe('sendSync()', () => {
      if (factory.capabilities.blockingSendSync === false) {
        it('throws ERR_IPC_SYNC_UNSUPPORTED, dispatches nothing, and leaves the connection usable', async () => {
          let reached = false;
          target.ipcMain.on('echo', (event, msg) => {
            reached = true;
            event.returnValue = msg;
          });
          const after = nextMessage(target.ipcMain, 'after');
          const result = await renderer.run(({ ipcRenderer }) => {
            const codes: unknown[] = [];
            for (const channel of ['echo', 'nobody-listens']) {
              try {
                ipcRenderer.sendSync(channel, 'test');
                codes.push('no error');
              } catch (error) {
                codes.push((error as { code?: string }).code);
              }
            }
            ipcRenderer.send('after', 1);
            return codes;
          });
          expect(result).toEqual(['ERR_IPC_SYNC_UNSUPPORTED', 'ERR_IPC_SYNC_UNSUPPORTED']);
          expect((await after)[1]).toBe(1);
          expect(reached).toBe(false);
          expect(target.log.warn).toEqual([]);
        });
        return;
      }

      it('can be replied to by setting event.returnValue', async () => {
        target.ipcMain.on('echo', (event, msg) => {
          event.returnValue = msg;
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('echo', 'test'))).toBe('test');
      });

      it('returnValue is write-only and the first assignment wins', async () => {
        const reads: unknown[] = [];
        target.ipcMain.on('first-wins', (event) => {
          event.returnValue = 'first';
          reads.push(event.returnValue);
        });
        target.ipcMain.on('first-wins', (event) => {
          event.returnValue = 'second';
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('first-wins'))).toBe('first');
        expect(reads).toEqual([undefined]);
      });

      it('does not crash when reply is sent by multiple listeners', async () => {
        target.ipcMain.on('multi', (event) => {
          event.returnValue = 1;
        });
        target.ipcMain.on('multi', (event) => {
          event.returnValue = 2;
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('multi'))).toBe(1);
      });

      it("returns { error: 'reply was never sent' } at once and warns when nothing listens", async () => {
        const result = await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('nobody-listens', 1));
        expect(result).toEqual({ error: 'reply was never sent' });
        expect(target.log.warn).toContainEqual({
          message: `WebContents #${renderer.webContents.id} called ipcRenderer.sendSync() with 'nobody-listens' channel without listeners.`,
          fields: { channel: 'nobody-listens', webContentsId: renderer.webContents.id },
        });
      });

      it("returns { error: 'reply was never sent' } when listeners drop the event", async () => {
        target.ipcMain.on('dropped', () => {});
        const result = await renderer.run(({ ipcRenderer }) => {
          try {
            return ipcRenderer.sendSync('dropped');
          } catch (error) {
            return (error as { code?: string }).code;
          }
        });
        if (factory.capabilities.asyncSyncReply) expect(result).toEqual({ error: 'reply was never sent' });
        else expect(result).toBe('ERR_IPC_SYNC_REPLY_NOT_SYNCHRONOUS');
      });

      it('reaches the WebContents ipc-message-sync event, webContents.ipc and ipcMain in that order', async () => {
        const order: string[] = [];
        const events = new Set<unknown>();
        renderer.webContents.on('ipc-message-sync', (event, channel) => {
          order.push(`webContents:${channel}`);
          events.add(event);
        });
        renderer.webContents.ipc.on('sync-cascade', (event) => {
          order.push('webContents.ipc');
          events.add(event);
        });
        target.ipcMain.on('sync-cascade', (event) => {
          order.push('ipcMain');
          events.add(event);
          event.returnValue = order.length;
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('sync-cascade'))).toBe(3);
        expect(order).toEqual(['webContents:sync-cascade', 'webContents.ipc', 'ipcMain']);
        expect(events.size).toBe(1);
      });

      if (factory.capabilities.asyncSyncReply) {
        it('waits for a listener that sets returnValue after an await', async () => {
          target.ipcMain.on('later', async (event, n) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            event.returnValue = n * 2;
          });
          expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('later', 21))).toBe(42);
        });

        it('delivers messages main sent during the block after sendSync returns', async () => {
          target.ipcMain.on('sync-with-send', (event) => {
            event.sender.send('during', 'x');
            setTimeout(() => {
              event.returnValue = 'done';
            }, 20);
          });
          const result = await renderer.run(({ ipcRenderer }) => {
            const seen: string[] = [];
            ipcRenderer.on('during', () => seen.push('message'));
            const value = ipcRenderer.sendSync('sync-with-send');
            seen.push(`returned ${value}`);
            return new Promise((resolve) => setTimeout(() => resolve(seen), 50));
          });
          expect(result).toEqual(['returned done', 'message']);
        });
      } else {
        it('explains with a coded error that returnValue must be set synchronously', async () => {
          target.ipcMain.on('later', async (event) => {
            await Promise.resolve();
            event.returnValue = 1;
          });
          const code = await renderer.run(({ ipcRenderer }) => {
            try {
              ipcRenderer.sendSync('later');
              return 'no error';
            } catch (error) {
              return (error as { code?: string }).code;
            }
          });
          expect(code).toBe('ERR_IPC_SYNC_REPLY_NOT_SYNCHRONOUS');
        });
      }
    });

    describe('invoke', () => {
      it('receives a response from a synchronous handler', async () => {
        let seenArg: unknown;
        target.ipcMain.handleOnce('test', (_event, arg) => {
          seenArg = arg;
          return 3;
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('test', 123))).toBe(3);
        expect(seenArg).toBe(123);
      });

      it('receives a response from an asynchronous handler', async () => {
        target.ipcMain.handleOnce('test', async (_event, arg) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return arg + 1;
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('test', 41))).toBe(42);
      });

      it('receives an error from a synchronous handler', async () => {
        target.ipcMain.handleOnce('test', () => {
          throw new Error('some error');
        });
        const message = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('test').then(
            () => 'resolved',
            (error: Error) => error.message,
          ),
        );
        expect(message).toBe("Error invoking remote method 'test': Error: some error");
        expect(target.log.error[0]?.message).toBe("Error occurred in handler for 'test'");
        expect(target.log.error[0]?.fields.channel).toBe('test');
        expect(String(target.log.error[0]?.fields.err)).toBe('Error: some error');
      });

      it('receives an error from an asynchronous handler', async () => {
        target.ipcMain.handleOnce('test', async () => {
          await Promise.resolve();
          throw new TypeError('some error');
        });
        const message = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('test').then(
            () => 'resolved',
            (error: Error) => error.message,
          ),
        );
        expect(message).toBe("Error invoking remote method 'test': TypeError: some error");
      });

      it('throws an error if no handler is registered', async () => {
        const message = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('test').then(
            () => 'resolved',
            (error: Error) => error.message,
          ),
        );
        expect(message).toBe("Error invoking remote method 'test': Error: No handler registered for 'test'");
        expect(target.log.error[0]?.message).toBe("Error occurred in handler for 'test'");
        expect(target.log.error[0]?.fields.channel).toBe('test');
      });

      it('throws an error when invoking a handler that was removed', async () => {
        target.ipcMain.handle('test', () => 1);
        target.ipcMain.removeHandler('test');
        const message = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('test').then(
            () => 'resolved',
            (error: Error) => error.message,
          ),
        );
        expect(message).toMatch(/No handler registered for 'test'/);
      });

      it('forbids multiple handlers', () => {
        target.ipcMain.handle('test', () => {});
        expect(() => target.ipcMain.handle('test', () => {})).toThrow(
          new Error("Attempted to register a second handler for 'test'"),
        );
      });

      it('rejects a handler that is not a function with a TypeError', () => {
        expect(() => target.ipcMain.handle('test', 'nope' as never)).toThrow(
          new TypeError("Expected handler to be a function, but found type 'string'"),
        );
      });

      it('removes a handleOnce handler before calling it', async () => {
        let registeredDuringCall: string[] = ['not called'];
        target.ipcMain.handleOnce('once', () => {
          registeredDuringCall = [];
          try {
            target.ipcMain.handle('once', () => 'second');
            registeredDuringCall.push('re-registered');
          } catch {
            registeredDuringCall.push('still registered');
          }
          return 'first';
        });
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('once'))).toBe('first');
        expect(registeredDuringCall).toEqual(['re-registered']);
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('once'))).toBe('second');
      });

      it('never reaches on() listeners', async () => {
        let reached = false;
        target.ipcMain.on('only-handle', () => {
          reached = true;
        });
        target.ipcMain.handle('only-handle', () => 'handled');
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('only-handle'))).toBe('handled');
        expect(reached).toBe(false);
      });

      it('keeps concurrent invokes on one channel apart, even when they complete out of order', async () => {
        target.ipcMain.handle('delay', async (_event, n: number) => {
          await new Promise((resolve) => setTimeout(resolve, (10 - n) * 3));
          return n * 10;
        });
        const results = await renderer.run(({ ipcRenderer }) =>
          Promise.all(Array.from({ length: 10 }, (_, n) => ipcRenderer.invoke('delay', n))),
        );
        expect(results).toEqual(Array.from({ length: 10 }, (_, n) => n * 10));
      });

      it('rejects (does not throw) when an argument cannot be cloned', async () => {
        const result = await renderer.run(({ ipcRenderer }) => {
          let promise: Promise<unknown>;
          try {
            promise = ipcRenderer.invoke('x', () => 1);
          } catch {
            return 'threw synchronously';
          }
          return promise.then(
            () => 'resolved',
            (error: unknown) => String(error),
          );
        });
        expect(result).toBe('Error: An object could not be cloned.');
      });

      it("rejects with the clone error when the handler's result cannot be cloned", async () => {
        target.ipcMain.handle('bad-result', () => () => 1);
        const message = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('bad-result').then(
            () => 'resolved',
            (error: Error) => error.message,
          ),
        );
        expect(message).toBe(
          "Error invoking remote method 'bad-result': Error: An object could not be cloned.",
        );
      });

      it('honours a per-call timeout with ERR_IPC_TIMEOUT', async () => {
        target.ipcMain.handle('never', () => new Promise(() => {}));
        const code = await renderer.run(({ ipcRenderer }) =>
          ipcRenderer
            .withOptions({ timeout: 50 })
            .invoke('never')
            .then(
              () => 'resolved',
              (error: { code?: string }) => error.code,
            ),
        );
        expect(code).toBe('ERR_IPC_TIMEOUT');
      });
    });

    describe('WebContents.ipc', () => {
      it('receives ipc messages sent from the WebContents', async () => {
        const received = nextMessage(renderer.webContents.ipc, 'test');
        await renderer.run(({ ipcRenderer }) => ipcRenderer.send('test', 42));
        const [event, value] = await received;
        expect(value).toBe(42);
        expect(event.sender).toBe(renderer.webContents);
      });

      it('receives sync-ipc messages sent from the WebContents', async () => {
        renderer.webContents.ipc.on('test', (event, arg) => {
          event.returnValue = arg * 2;
        });
        if (factory.capabilities.blockingSendSync === false) {
          const code = await renderer.run(({ ipcRenderer }) => {
            try {
              return ipcRenderer.sendSync('test', 21);
            } catch (error) {
              return (error as { code?: string }).code;
            }
          });
          expect(code).toBe('ERR_IPC_SYNC_UNSUPPORTED');
          return;
        }
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.sendSync('test', 21))).toBe(42);
      });

      it('handles invoke messages sent from the WebContents', async () => {
        renderer.webContents.ipc.handle('test', (_event, arg) => arg * 2);
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('test', 21))).toBe(42);
      });

      it('cascades to ipcMain', async () => {
        const order: string[] = [];
        const events = new Set<unknown>();
        renderer.webContents.on('ipc-message', (event, channel, arg) => {
          order.push(`webContents:${channel}:${arg}`);
          events.add(event);
        });
        renderer.webContents.ipc.on('test', (event) => {
          order.push('webContents.ipc');
          events.add(event);
        });
        const done = nextMessage(target.ipcMain, 'test');
        target.ipcMain.on('test', (event) => {
          order.push('ipcMain');
          events.add(event);
        });
        await renderer.run(({ ipcRenderer }) => ipcRenderer.send('test', 7));
        await done;
        expect(order).toEqual(['webContents:test:7', 'webContents.ipc', 'ipcMain']);
        expect(events.size).toBe(1);
      });

      it('overrides ipcMain handlers', async () => {
        renderer.webContents.ipc.handle('test', () => 'webContents');
        target.ipcMain.handle('test', () => 'ipcMain');
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('test'))).toBe('webContents');
      });

      it('falls back to ipcMain handlers', async () => {
        target.ipcMain.handle('test', () => 'ipcMain');
        expect(await renderer.run(({ ipcRenderer }) => ipcRenderer.invoke('test'))).toBe('ipcMain');
      });
    });

    describe('ordering', () => {
      it('between send and sendSync is consistent', async () => {
        const received: number[] = [];
        target.ipcMain.on('test-async', (_event, i) => received.push(i));
        target.ipcMain.on('test-sync', (event, i) => {
          received.push(i);
          event.returnValue = null;
        });
        const done = nextMessage(target.ipcMain, 'done');
        await renderer.run(({ ipcRenderer }, blocking) => {
          // Without a blocking sendSync, each sync call must throw the coded error and be replaced by a send.
          const sendSync = (channel: string, i: number) => {
            if (blocking) return ipcRenderer.sendSync(channel, i);
            try {
              ipcRenderer.sendSync(channel, i);
            } catch (error) {
              if ((error as { code?: string }).code !== 'ERR_IPC_SYNC_UNSUPPORTED') throw error;
              return ipcRenderer.send('test-async', i);
            }
            throw new Error('sendSync did not throw ERR_IPC_SYNC_UNSUPPORTED');
          };
          for (let i = 0; i < 1000; i++) {
            if (Math.random() < 0.5) sendSync('test-sync', i);
            else ipcRenderer.send('test-async', i);
          }
          ipcRenderer.send('done');
        }, factory.capabilities.blockingSendSync !== false);
        await done;
        expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      });

      it('between send, sendSync, and invoke is consistent', async () => {
        const received: number[] = [];
        target.ipcMain.handle('test-invoke', (_event, i) => {
          received.push(i);
        });
        target.ipcMain.on('test-async', (_event, i) => received.push(i));
        target.ipcMain.on('test-sync', (event, i) => {
          received.push(i);
          event.returnValue = null;
        });
        const done = nextMessage(target.ipcMain, 'done');
        await renderer.run(async ({ ipcRenderer }, blocking) => {
          // Without a blocking sendSync, each sync call must throw the coded error and be replaced by a send.
          const sendSync = (channel: string, i: number) => {
            if (blocking) return ipcRenderer.sendSync(channel, i);
            try {
              ipcRenderer.sendSync(channel, i);
            } catch (error) {
              if ((error as { code?: string }).code !== 'ERR_IPC_SYNC_UNSUPPORTED') throw error;
              return ipcRenderer.send('test-async', i);
            }
            throw new Error('sendSync did not throw ERR_IPC_SYNC_UNSUPPORTED');
          };
          const invokes: Promise<unknown>[] = [];
          for (let i = 0; i < 1000; i++) {
            const r = Math.random();
            if (r < 0.33) invokes.push(ipcRenderer.invoke('test-invoke', i));
            else if (r < 0.67) sendSync('test-sync', i);
            else ipcRenderer.send('test-async', i);
          }
          await Promise.all(invokes);
          ipcRenderer.send('done');
        }, factory.capabilities.blockingSendSync !== false);
        await done;
        expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      });

      it('delivers main-to-renderer messages in order', async () => {
        const result = renderer.run(
          ({ ipcRenderer }) =>
            new Promise<number[]>((resolve) => {
              const seen: number[] = [];
              ipcRenderer.on('n', (_event, i) => {
                seen.push(i);
                if (seen.length === 1000) resolve(seen);
              });
              ipcRenderer.send('ready');
            }),
        );
        await nextMessage(target.ipcMain, 'ready');
        for (let i = 0; i < 1000; i++) renderer.webContents.send('n', i);
        expect(await result).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      });
    });

    describe('webContents', () => {
      it('lists live renderers and finds them by id', async () => {
        const second = await target.createRenderer();
        const ids = target.webContents.getAllWebContents().map((contents) => contents.id);
        expect(ids).toEqual([renderer.webContents.id, second.webContents.id]);
        expect(target.webContents.fromId(second.webContents.id)).toBe(second.webContents);
        expect(target.webContents.fromId(987654)).toBeUndefined();
      });

      it('throws Missing required channel argument for a non-string channel', () => {
        expect(() => renderer.webContents.send(undefined as unknown as string)).toThrow(
          new TypeError('Missing required channel argument'),
        );
      });

      it('throws the clone error synchronously from webContents.send', () => {
        expect(() => renderer.webContents.send('x', () => 1)).toThrow('An object could not be cloned.');
      });

      it("emits 'destroyed' when closed, then sending to it is a silent no-op", async () => {
        const destroyed = new Promise((resolve) => renderer.webContents.once('destroyed', resolve));
        renderer.webContents.close();
        await destroyed;
        expect(renderer.webContents.isDestroyed()).toBe(true);
        expect(() => renderer.webContents.send('anything', 1)).not.toThrow();
        expect(target.webContents.fromId(renderer.webContents.id)).toBeUndefined();
      });

      it('sendTo delivers to another renderer with senderId', async () => {
        const second = await target.createRenderer();
        const result = second.run(
          ({ ipcRenderer }) =>
            new Promise((resolve) => {
              ipcRenderer.once('direct', (event, value) => resolve({ senderId: event.senderId, value }));
              ipcRenderer.send('ready');
            }),
        );
        await nextMessage(target.ipcMain, 'ready');
        await renderer.run(
          ({ ipcRenderer }, id) => ipcRenderer.sendTo(id, 'direct', 'hi'),
          second.webContents.id,
        );
        expect(await result).toEqual({ senderId: renderer.webContents.id, value: 'hi' });
      });
    });

    describe('connection loss', () => {
      it('rejects pending invokes with ERR_IPC_CLOSED when the renderer is closed', async () => {
        target.ipcMain.handle('hang', () => new Promise(() => {}));
        const pending = renderer.run(({ ipcRenderer }) =>
          ipcRenderer.invoke('hang').then(
            () => 'resolved',
            (error: { code?: string }) => error.code,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        renderer.webContents.close();
        expect(await pending).toBe('ERR_IPC_CLOSED');
      });
    });
  });
}
