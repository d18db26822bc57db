import { describe, expect, it, vi } from 'vitest';
import { typedBroadcast, typedIpcMain, typedWebContents } from '../../src/api/typed-ipc-main.js';
import { createMain } from '../../src/main.js';
import { createMemoryIpc } from '../../src/testing.js';
import { type Channels, numbers, oneString } from './typed-fixtures.js';

function setup() {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const ipc = createMemoryIpc({ logger });
  const main = typedIpcMain<Channels>(ipc.ipcMain, {
    validate: { add: numbers, log: oneString, get: oneString },
  });
  const { ipcRenderer, webContents } = ipc.createRenderer();
  return { ipc, logger, main, ipcRenderer, webContents };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('typedIpcMain', () => {
  it('returns ipcMain itself without validators', () => {
    const ipc = createMemoryIpc();
    expect(typedIpcMain<Channels>(ipc.ipcMain)).toBe(ipc.ipcMain);
    expect(typedIpcMain<Channels>(ipc.ipcMain, {})).toBe(ipc.ipcMain);
    expect(typedIpcMain<Channels>(ipc.ipcMain, { validate: {} })).toBe(ipc.ipcMain);
  });

  it('typedWebContents returns the WebContents itself', () => {
    const ipc = createMemoryIpc();
    const { webContents } = ipc.createRenderer();
    expect(typedWebContents<Channels>(webContents)).toBe(webContents);
  });

  it('typedBroadcast returns the broadcast function itself', () => {
    const main = createMain();
    expect(typedBroadcast<Channels>(main.broadcast)).toBe(main.broadcast);
  });

  it('calls handlers with valid arguments and rejects the invoke with the validator error otherwise', async () => {
    const { main, ipcRenderer, logger } = setup();
    const handler = vi.fn((_event: unknown, a: number, b: number) => a + b);
    main.handle('add', handler);
    expect(await ipcRenderer.invoke('add', 2, 3)).toBe(5);
    await expect(ipcRenderer.invoke('add', 2, 'x')).rejects.toThrow(
      "Error invoking remote method 'add': TypeError: expected numbers",
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(TypeError) }),
      "Error occurred in handler for 'add'",
    );
  });

  it('validates handleOnce handlers too, and the refused call does not use up the handler', async () => {
    const { main, ipcRenderer } = setup();
    main.handleOnce('add', (_event, a, b) => a * b);
    await expect(ipcRenderer.invoke('add', 'x')).rejects.toThrow('expected numbers');
    expect(await ipcRenderer.invoke('add', 2, 3)).toBe(6);
    await expect(ipcRenderer.invoke('add', 2, 3)).rejects.toThrow("No handler registered for 'add'");
  });

  it('drops a refused send before listeners and logs the channel and reason once', async () => {
    const { main, ipcRenderer, webContents, logger } = setup();
    const seen: unknown[] = [];
    main.on('log', (_event, message) => seen.push(message));
    main.on('log', (_event, message) => seen.push(`again ${message}`));
    typedIpcMain<Channels>(webContents.ipc, { validate: { log: oneString } }).on('log', (_e, m) =>
      seen.push(`wc ${m}`),
    );
    ipcRenderer.send('log', 42);
    ipcRenderer.send('log', 'ok');
    await tick();
    expect(seen).toEqual(['wc ok', 'ok', 'again ok']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
      "ipc-anywhere: dropped a message on 'log': invalid arguments: expected one string",
    );
  });

  it('a refused message does not use up a once listener; the first valid one does', async () => {
    const { ipc, main, ipcRenderer } = setup();
    const seen: unknown[] = [];
    main.once('log', (_event, text) => seen.push(`once ${text}`));
    main.prependOnceListener('log', (_event, text) => seen.push(`first ${text}`));
    ipcRenderer.send('log', 42 as unknown as string);
    ipcRenderer.send('log', 'valid');
    ipcRenderer.send('log', 'again');
    await tick();
    expect(seen).toEqual(['first valid', 'once valid']);
    expect(ipc.ipcMain.listenerCount('log')).toBe(0);
  });

  it('answers a refused sendSync at once with Electron’s no-reply object', () => {
    const { main, ipcRenderer, logger } = setup();
    main.on('get', (event, key) => {
      event.returnValue = `value of ${key}`;
    });
    expect(ipcRenderer.sendSync('get', 'a')).toBe('value of a');
    expect(ipcRenderer.sendSync('get', 1)).toEqual({ error: 'reply was never sent' });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
      "ipc-anywhere: dropped a message on 'get': invalid arguments: expected one string",
    );
  });

  it('removes validated listeners with off, including once listeners, and chains with the view', async () => {
    const { main, ipcRenderer, ipc } = setup();
    const listener = vi.fn();
    expect(main.on('log', listener)).toBe(main);
    expect(ipc.ipcMain.listenerCount('log')).toBe(1);
    main.off('log', listener);
    const once = vi.fn();
    main.once('log', once);
    main.removeListener('log', once);
    expect(ipc.ipcMain.listenerCount('log')).toBe(0);
    ipcRenderer.send('log', 'x');
    await tick();
    expect(listener).not.toHaveBeenCalled();
    expect(once).not.toHaveBeenCalled();
  });

  it('leaves channels without a validator and untyped methods as they are', async () => {
    const { main, ipcRenderer, ipc } = setup();
    const free = vi.fn();
    main.on('free', free);
    ipcRenderer.send('free', { any: 'thing' });
    await tick();
    expect(free).toHaveBeenCalledWith(expect.anything(), { any: 'thing' });
    expect(main.listenerCount('free')).toBe(1);
    expect(main.eventNames()).toEqual(ipc.ipcMain.eventNames());
    main.removeHandler('add');
  });

  it('reports to the logger of the world the ipcMain belongs to, or to the one given', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const ipc = createMemoryIpc({ logger: { warn: vi.fn(), error: vi.fn() } });
    const main = typedIpcMain<Channels>(ipc.ipcMain, { validate: { log: oneString }, logger });
    main.on('log', () => {});
    ipc.createRenderer().ipcRenderer.send('log');
    await tick();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
      "ipc-anywhere: dropped a message on 'log': invalid arguments: expected one string",
    );
  });
});
