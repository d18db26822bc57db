import { describe, expect, it, vi } from 'vitest';
import { createMain } from '../../src/api/main-context.js';
import { isIpcError } from '../../src/protocol/errors.js';
import {
  checkedLimits,
  DEFAULT_LIMITS,
  MAIN_DEFAULT_LIMITS,
  RENDERER_DEFAULT_LIMITS,
} from '../../src/protocol/limits.js';
import { PROTOCOL_MIN_PAYLOAD } from '../../src/protocol/messages.js';
import { createMemoryIpc } from '../../src/testing.js';

function invalidMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isIpcError(error, 'ERR_IPC_INVALID_ARGUMENT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected ERR_IPC_INVALID_ARGUMENT');
}

describe('checkedLimits', () => {
  it('fills what is left out from the defaults it is given', () => {
    expect(checkedLimits(undefined, MAIN_DEFAULT_LIMITS)).toBe(MAIN_DEFAULT_LIMITS);
    expect(checkedLimits({ maxDepth: 10 }, RENDERER_DEFAULT_LIMITS)).toEqual({
      ...RENDERER_DEFAULT_LIMITS,
      maxDepth: 10,
    });
    expect(checkedLimits({ maxAllocations: Number.POSITIVE_INFINITY }, DEFAULT_LIMITS).maxAllocations).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it.each([
    [{ maxPayload: PROTOCOL_MIN_PAYLOAD - 1 }, 'limits.maxPayload'],
    [{ maxPayload: Number.POSITIVE_INFINITY }, 'limits.maxPayload'],
    [{ maxDepth: 0 }, 'limits.maxDepth'],
    [{ maxAllocations: -1 }, 'limits.maxAllocations'],
    [{ maxBigIntBytes: '64' }, 'limits.maxBigIntBytes'],
    [{ maxSparseArrayLength: 1.5 }, 'limits.maxSparseArrayLength'],
    [{ maxAlocations: 5 }, "did you mean 'maxAllocations'"],
    [5, 'limits: options must be an object'],
  ])('refuses %o, naming it', (limits, named) => {
    expect(invalidMessage(() => checkedLimits(limits, DEFAULT_LIMITS))).toContain(named);
  });
});

describe('default limits on each side', () => {
  it('main accepts 16 MiB messages and announces that; a renderer accepts 64 MiB', async () => {
    expect(MAIN_DEFAULT_LIMITS.maxPayload).toBe(16 * 1024 * 1024);
    expect(RENDERER_DEFAULT_LIMITS.maxPayload).toBe(64 * 1024 * 1024);
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    ipc.ipcMain.handle('ready', () => true);
    await ipcRenderer.invoke('ready'); // main's hello, with its limit, has arrived
    expect(() => ipcRenderer.send('big', new Uint8Array(17 * 1024 * 1024))).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_PAYLOAD_TOO_LARGE' }),
    );
    ipc.close();
  });

  it('createMain and createRenderer check their limits before anything connects', () => {
    expect(invalidMessage(() => createMain({ limits: { maxPayload: 64 } }))).toContain('limits.maxPayload');
    const ipc = createMemoryIpc();
    expect(invalidMessage(() => ipc.createRenderer({ limits: { maxPayload: 64 } }))).toContain(
      'limits.maxPayload',
    );
    expect(ipc.webContents.getAllWebContents()).toEqual([]);
    ipc.close();
  });

  it('a renderer takes an object payload from main past the allocation budget main applies to renderers', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const ipc = createMemoryIpc({ logger });
    const records = Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: `n${i}`, tags: ['a', 'b'] }));
    ipc.ipcMain.handle('records', () => records);
    const { ipcRenderer, webContents } = ipc.createRenderer();
    // Main to renderer: trusted, no budget by default.
    expect(((await ipcRenderer.invoke('records')) as unknown[]).length).toBe(60_000);
    // Renderer to main: the same payload is over main's default budget and closes that connection.
    const closed = new Promise((resolve) => webContents.once('destroyed', resolve));
    ipcRenderer.send('upload', records);
    await closed;
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_LIMIT_EXCEEDED' }),
      expect.stringContaining('[ERR_IPC_LIMIT_EXCEEDED]'),
    );
    ipc.close();
  });
});
