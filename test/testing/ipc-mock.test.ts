import electronMockIpc from 'electron-mock-ipc';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from '../../src/main.js';
import type { IpcRenderer } from '../../src/renderer.js';
import { createIPCMock, type IPCMock } from '../../src/testing.js';

// CommonJS with `exports.default`: Node's import gives module.exports, vitest may unwrap it.
const createElectronMockIpc: typeof electronMockIpc.default =
  (electronMockIpc as { default?: typeof electronMockIpc.default }).default ??
  (electronMockIpc as unknown as typeof electronMockIpc.default);

type Listener = (event: any, ...args: any[]) => void;

/** What tests written for electron-mock-ipc call on the pair it returns. */
interface MockPair {
  ipcMain: {
    on(channel: string, listener: Listener): unknown;
    once(channel: string, listener: Listener): unknown;
    handle(channel: string, handler: (event: any, ...args: any[]) => unknown): void;
    handleOnce(channel: string, handler: (event: any, ...args: any[]) => unknown): void;
    removeHandler(channel: string): void;
    removeAllListeners(channel: string): unknown;
    send(channel: string, ...args: unknown[]): void;
    eventNames(): (string | symbol)[];
  };
  ipcRenderer: {
    on(channel: string, listener: Listener): unknown;
    once(channel: string, listener: Listener): unknown;
    send(channel: string, ...args: unknown[]): void;
    invoke(channel: string, ...args: unknown[]): Promise<any>;
    eventNames(): (string | symbol)[];
  };
}

function next(emitter: { once(channel: string, listener: Listener): unknown }, channel: string) {
  return new Promise<any[]>((resolve) => emitter.once(channel, (...args) => resolve(args)));
}

const silent = { warn: () => {}, error: () => {} };
const ours: IPCMock[] = [];
function ourMock(): IPCMock {
  const mock = createIPCMock({ logger: silent });
  ours.push(mock);
  return mock;
}

afterEach(() => {
  for (const mock of ours.splice(0)) mock.memory.close();
});

/*
 * What electron-mock-ipc's README, examples and tests do, run against it and against createIPCMock():
 * a suite that passes on the first passes unchanged on the second.
 */
describe.each([
  ['electron-mock-ipc', () => createElectronMockIpc() as unknown as MockPair],
  ['createIPCMock', () => ourMock() as unknown as MockPair],
])('migration: %s', (_name, create) => {
  it('delivers a renderer send to ipcMain.once', async () => {
    const { ipcMain, ipcRenderer } = create();
    const received = next(ipcMain, 'test-event');
    ipcRenderer.send('test-event', 'test');
    expect((await received).slice(1)).toEqual(['test']);
  });

  it('answers through event.sender.send in main', async () => {
    const { ipcMain, ipcRenderer } = create();
    ipcMain.on('test-event', (event, value) => event.sender.send('response-test-event', `re:${value}`));
    const response = next(ipcRenderer, 'response-test-event');
    ipcRenderer.send('test-event', 'hoge');
    expect((await response).slice(1)).toEqual(['re:hoge']);
  });

  it('pushes with ipcMain.send and the renderer answers through event.sender.send', async () => {
    const { ipcMain, ipcRenderer } = create();
    ipcRenderer.once('test-event', (event, value) => event.sender.send('response-test-event', value));
    const response = next(ipcMain, 'response-test-event');
    ipcMain.send('test-event', 'test');
    expect((await response).slice(1)).toEqual(['test']);
  });

  it('resolves invoke from handle, async handle and handleOnce', async () => {
    const { ipcMain, ipcRenderer } = create();
    ipcMain.handle('sync', (_event, value) => `sync:${value}`);
    ipcMain.handle('async', async (_event, value) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `async:${value}`;
    });
    ipcMain.handleOnce('once', () => 'once');
    expect(await ipcRenderer.invoke('sync', 'a')).toBe('sync:a');
    expect(await ipcRenderer.invoke('async', 'b')).toBe('async:b');
    expect(await ipcRenderer.invoke('once')).toBe('once');
  });

  it('rejects invoke when the handler throws', async () => {
    const { ipcMain, ipcRenderer } = create();
    ipcMain.handle('fails', async () => {
      throw new Error('boom');
    });
    await expect(ipcRenderer.invoke('fails')).rejects.toThrow(Error);
    await expect(ipcRenderer.invoke('fails')).rejects.toThrow('boom');
  });

  it('replaces a handler after removeHandler', async () => {
    const { ipcMain, ipcRenderer } = create();
    ipcMain.handle('value', () => true);
    expect(await ipcRenderer.invoke('value')).toBe(true);
    ipcMain.removeHandler('value');
    ipcMain.handle('value', () => false);
    expect(await ipcRenderer.invoke('value')).toBe(false);
  });

  it('does not run renderer listeners of the channel an invoke uses', async () => {
    const { ipcMain, ipcRenderer } = create();
    const rendererListener = vi.fn();
    ipcMain.handle('my-event', () => 'hello');
    ipcRenderer.on('my-event', rendererListener);
    expect(await ipcRenderer.invoke('my-event')).toBe('hello');
    expect(rendererListener).not.toHaveBeenCalled();
  });

  it('lists registered channels in eventNames()', () => {
    const { ipcMain, ipcRenderer } = create();
    ipcMain.on('main-event', () => {});
    ipcRenderer.on('renderer-event', () => {});
    expect(ipcMain.eventNames()).toContain('main-event');
    expect(ipcRenderer.eventNames()).toContain('renderer-event');
  });
});

/** `promise`'s outcome, or 'pending' if it has not settled within `ms`. */
function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<string> {
  return Promise.race([
    promise.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

/* The differences docs/testing.md lists, each shown on both. */
describe('createIPCMock: what behaves differently from electron-mock-ipc', () => {
  it('clones arguments as Electron does; electron-mock-ipc passes the same object', async () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const sent = { at: new Date(1), point: new Point(1), list: [1, 2] };

    const theirs = createElectronMockIpc();
    const theirsReceived = next(theirs.ipcMain, 'obj');
    theirs.ipcRenderer.send('obj', sent);
    expect((await theirsReceived)[1]).toBe(sent);

    const { ipcMain, ipcRenderer } = ourMock();
    const received = next(ipcMain, 'obj');
    ipcRenderer.send('obj', sent);
    sent.list.push(3);
    const [, value] = await received;
    expect(value).not.toBe(sent);
    expect(value).toEqual({ at: new Date(1), point: { x: 1 }, list: [1, 2] });
    expect(value.at).toBeInstanceOf(Date);
    expect(value.point).not.toBeInstanceOf(Point);
    expect(() => ipcRenderer.send('fn', () => 1)).toThrow('An object could not be cloned.');
  });

  it('runs sendSync through main; electron-mock-ipc returns undefined without dispatching', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const theirs = createElectronMockIpc();
    const theirListener = vi.fn((event: { returnValue: unknown }) => {
      event.returnValue = 'answer';
    });
    theirs.ipcMain.on('sync', theirListener);
    expect(theirs.ipcRenderer.sendSync('sync', 1)).toBeUndefined();
    expect(theirListener).not.toHaveBeenCalled();
    log.mockRestore();

    const { ipcMain, ipcRenderer } = ourMock();
    ipcMain.on('sync', (event, value) => {
      event.returnValue = `answer:${value}`;
    });
    expect(ipcRenderer.sendSync('sync', 1)).toBe('answer:1');
    expect(ipcRenderer.sendSync('nobody-listens')).toEqual({ error: 'reply was never sent' });
  });

  it('rejects an invoke nobody handles; electron-mock-ipc never settles it', async () => {
    const theirs = createElectronMockIpc();
    expect(await outcomeWithin(theirs.ipcRenderer.invoke('missing'), 50)).toBe('pending');

    const { ipcRenderer } = ourMock();
    await expect(ipcRenderer.invoke('missing')).rejects.toThrow(
      "Error invoking remote method 'missing': Error: No handler registered for 'missing'",
    );
  });

  it("rejects with Electron's text and no thrown properties; electron-mock-ipc rejects with the thrown object", async () => {
    const thrown = Object.assign(new Error('not found'), { code: 'ENOENT' });
    const theirs = createElectronMockIpc();
    theirs.ipcMain.handle('fails', () => {
      throw thrown;
    });
    await expect(theirs.ipcRenderer.invoke('fails')).rejects.toBe(thrown);

    const logger = { warn: vi.fn(), error: vi.fn() };
    const mock = createIPCMock({ logger });
    ours.push(mock);
    mock.ipcMain.handle('fails', () => {
      throw thrown;
    });
    const error = await mock.ipcRenderer.invoke('fails').catch((caught: unknown) => caught);
    expect(error).not.toBe(thrown);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Error invoking remote method 'fails': Error: not found");
    expect((error as { code?: string }).code).toBeUndefined();
    // Main logs what the handler threw, as Electron's main does.
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: thrown }),
      "Error occurred in handler for 'fails'",
    );
  });

  it('refuses a second handle() on a channel; electron-mock-ipc accepts it', async () => {
    const theirs = createElectronMockIpc();
    theirs.ipcMain.handle('twice', () => 1);
    expect(() => theirs.ipcMain.handle('twice', () => 2)).not.toThrow();

    const { ipcMain } = ourMock();
    ipcMain.handle('twice', () => 1);
    expect(() => ipcMain.handle('twice', () => 2)).toThrow(
      "Attempted to register a second handler for 'twice'",
    );
  });

  it("resolves with undefined when a handler throws '', as Electron does", async () => {
    const { ipcMain, ipcRenderer } = ourMock();
    ipcMain.handle('empty', () => {
      throw '';
    });
    expect(await ipcRenderer.invoke('empty')).toBeUndefined();
  });

  it('gives main a real WebContents as event.sender, and event.reply', async () => {
    const { ipcMain, ipcRenderer, webContents } = ourMock();
    const received = next(ipcMain, 'hello');
    ipcRenderer.send('hello');
    const [event] = (await received) as [IpcMainEvent];
    expect(event.sender).toBe(webContents);
    expect(event.sender.id).toBe(webContents.id);
    const answer = next(ipcRenderer, 'answer');
    event.reply('answer', 42);
    expect((await answer).slice(1)).toEqual([42]);
  });

  it('has EventEmitter semantics electron-mock-ipc stubs out', () => {
    const theirs = createElectronMockIpc();
    expect(theirs.ipcRenderer.on('x', () => {})).toBeUndefined();
    expect(theirs.ipcRenderer.listenerCount('never-registered')).toBe(1);

    const { ipcMain, ipcRenderer } = ourMock();
    expect(ipcRenderer.on('x', () => {})).toBe(ipcRenderer);
    expect(ipcRenderer.listenerCount('x')).toBe(1);
    expect(ipcRenderer.listenerCount('never-registered')).toBe(0);
    expect(ipcMain.eventNames()).toEqual(['error']);
  });

  it('delivers under fake timers; electron-mock-ipc waits for the clock to advance', async () => {
    vi.useFakeTimers();
    try {
      const theirs = createElectronMockIpc();
      const theirListener = vi.fn();
      theirs.ipcMain.on('tick', theirListener);
      theirs.ipcRenderer.send('tick');
      await Promise.resolve();
      expect(theirListener).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(theirListener).toHaveBeenCalledTimes(1);

      const { ipcMain, ipcRenderer } = ourMock();
      const listener = vi.fn();
      ipcMain.on('tick', listener);
      ipcRenderer.send('tick');
      // A few microtasks, and no timer, is all delivery takes.
      for (let turn = 0; turn < 10 && listener.mock.calls.length === 0; turn++) await Promise.resolve();
      expect(listener).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects pending invokes with ERR_IPC_CLOSED when the world closes', async () => {
    const mock = ourMock();
    mock.ipcMain.handle('hang', () => new Promise(() => {}));
    const pending = mock.ipcRenderer.invoke('hang');
    await new Promise((resolve) => setTimeout(resolve, 0));
    mock.memory.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
  });
});

describe('createIPCMock', () => {
  it('makes a world of its own per call', async () => {
    const a = ourMock();
    const b = ourMock();
    const seen: string[] = [];
    a.ipcMain.on('ch', () => seen.push('a'));
    b.ipcMain.on('ch', () => seen.push('b'));
    a.ipcRenderer.send('ch');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['a']);
    expect(a.memory.webContents.getAllWebContents()).toEqual([a.webContents]);
    expect(b.memory.webContents.getAllWebContents()).toEqual([b.webContents]);
  });

  it('has a bound, non-enumerable ipcMain.send that reaches only the mock renderer', async () => {
    const { ipcMain, ipcRenderer, memory } = ourMock();
    const other = memory.createRenderer().ipcRenderer;
    const otherListener = vi.fn();
    other.on('push', otherListener);
    expect(Object.keys(ipcMain)).not.toContain('send');
    const { send } = ipcMain;
    const pushed = next(ipcRenderer, 'push');
    send('push', { n: 1 });
    expect((await pushed).slice(1)).toEqual([{ n: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(otherListener).not.toHaveBeenCalled();
    expect(() => send('push', () => 1)).toThrow('An object could not be cloned.');
  });

  it('logs handler errors to the console by default, as Electron does', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const mock = createIPCMock();
      ours.push(mock);
      mock.ipcMain.handle('fails', () => {
        throw new Error('logged');
      });
      await mock.ipcRenderer.invoke('fails').catch(() => {});
      expect(error).toHaveBeenCalledWith("Error occurred in handler for 'fails':", expect.any(Error));
    } finally {
      error.mockRestore();
    }
  });

  it('is typed as Electron code expects', () => {
    const mock = ourMock();
    expectTypeOf(mock.ipcRenderer).toEqualTypeOf<IpcRenderer>();
    expectTypeOf(mock.webContents).toEqualTypeOf<WebContents>();
    expectTypeOf(mock.ipcMain.send).toEqualTypeOf<(channel: string, ...args: unknown[]) => void>();
    expectTypeOf(mock.ipcMain.handle)
      .parameter(1)
      .toExtend<(event: IpcMainInvokeEvent, ...args: any[]) => unknown>();
    expectTypeOf(mock.ipcRenderer.invoke).returns.toEqualTypeOf<Promise<any>>();
  });
});
