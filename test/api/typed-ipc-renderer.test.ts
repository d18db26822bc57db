import { describe, expect, it, vi } from 'vitest';
import { typedIpcRenderer } from '../../src/api/typed-ipc-renderer.js';
import { IpcErrorCode, isIpcError } from '../../src/protocol/errors.js';
import { createMemoryIpc } from '../../src/testing.js';
import { type Channels, numbers, oneString, refusal } from './typed-fixtures.js';

function setup() {
  const ipc = createMemoryIpc();
  const { ipcRenderer } = ipc.createRenderer();
  const renderer = typedIpcRenderer<Channels>(ipcRenderer, {
    validate: { add: numbers, log: oneString, get: oneString },
  });
  return { ipc, ipcRenderer, renderer };
}

function expectInvalid(error: unknown, channel: string, cause: string): void {
  expect(isIpcError(error, IpcErrorCode.InvalidArgument)).toBe(true);
  expect((error as Error).message).toBe(`Invalid arguments for channel '${channel}': ${cause}`);
}

describe('typedIpcRenderer', () => {
  it('returns ipcRenderer itself without validators', () => {
    const { ipcRenderer } = createMemoryIpc().createRenderer();
    expect(typedIpcRenderer<Channels>(ipcRenderer)).toBe(ipcRenderer);
    expect(typedIpcRenderer<Channels>(ipcRenderer, { validate: {} })).toBe(ipcRenderer);
  });

  it('rejects an invoke whose arguments are refused, with the validator error as cause, and sends nothing', async () => {
    const { ipc, renderer } = setup();
    const handler = vi.fn((_event: unknown, a: number, b: number) => a + b);
    ipc.ipcMain.handle('add', handler);
    const refused = renderer.invoke('add', 1, 'two' as unknown as number);
    const error = await refused.catch((caught: unknown) => caught);
    expectInvalid(error, 'add', 'expected numbers');
    expect((error as Error).cause).toBe(refusal);
    expect(await renderer.invoke('add', 1, 2)).toBe(3);
    expect(handler).toHaveBeenCalledTimes(1);
    // Only the accepted call crossed the link.
    expect(ipc.traffic.records().filter((record) => record.channel === 'add')).toHaveLength(1);
  });

  it('throws synchronously from send and sendSync, before anything is sent', async () => {
    const { ipc, renderer } = setup();
    const seen = vi.fn();
    ipc.ipcMain.on('log', seen);
    ipc.ipcMain.on('get', (event, key) => {
      event.returnValue = `value of ${key}`;
    });
    let thrown: unknown;
    try {
      renderer.send('log', 1 as unknown as string);
    } catch (error) {
      thrown = error;
    }
    expectInvalid(thrown, 'log', 'expected one string');
    expect(() => renderer.sendSync('get', 2 as unknown as string)).toThrow(
      "Invalid arguments for channel 'get': expected one string",
    );
    expect(renderer.sendSync('get', 'a')).toBe('value of a');
    renderer.send('log', 'fine');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith(expect.anything(), 'fine');
  });

  it('validates the calls of withOptions too', async () => {
    const { ipc, renderer } = setup();
    ipc.ipcMain.handle('add', (_event, a, b) => a + b);
    const calls = renderer.withOptions({ timeout: 1000 });
    await expect(calls.invoke('add', 'x' as unknown as number, 1)).rejects.toThrow(
      "Invalid arguments for channel 'add'",
    );
    expect(() => calls.sendSync('get', 3 as unknown as string)).toThrow(
      "Invalid arguments for channel 'get'",
    );
    expect(await calls.invoke('add', 4, 5)).toBe(9);
  });

  it('keeps listeners, unvalidated channels and chaining working through the view', async () => {
    const { ipc, ipcRenderer, renderer } = setup();
    const free = vi.fn();
    ipc.ipcMain.on('free', free);
    renderer.send('free', { x: 1 });
    const count = new Promise<number>((resolve) => {
      expect(renderer.once('changed', (_event, value) => resolve(value))).toBe(renderer);
    });
    expect(ipcRenderer.listenerCount('changed')).toBe(1);
    ipc.webContents.getAllWebContents()[0]!.send('changed', 3);
    expect(await count).toBe(3);
    expect(free).toHaveBeenCalledWith(expect.anything(), { x: 1 });
  });
});
