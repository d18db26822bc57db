import { describe, expect, it } from 'vitest';
import { createMain } from '../../../src/api/main-context.js';
import { createMemoryIpc } from '../../../src/testing.js';

const invalid = expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' });

describe('deadlines', () => {
  it('withOptions refuses a timeout of 0, below 0 or not a number, and takes Infinity for none', async () => {
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    for (const timeout of [0, -1, Number.NaN, '50' as unknown as number]) {
      expect(() => ipcRenderer.withOptions({ timeout })).toThrow(invalid);
    }
    ipc.ipcMain.handle('echo', (_event, value) => value);
    expect(await ipcRenderer.withOptions({ timeout: Number.POSITIVE_INFINITY }).invoke('echo', 1)).toBe(1);
    expect(await ipcRenderer.withOptions({ timeout: 1000 }).invoke('echo', 2)).toBe(2);
    expect(await ipcRenderer.withOptions({}).invoke('echo', 3)).toBe(3);
    ipc.close();
  });

  it('connection defaults and main’s syncReplyTimeout are checked the same way', () => {
    const ipc = createMemoryIpc();
    expect(() => ipc.createRenderer({ invokeTimeout: 0 })).toThrow(invalid);
    expect(() => createMain({ syncReplyTimeout: 0 })).toThrow(invalid);
    expect(() => createMain({ syncReplyTimeout: -1 })).toThrow(invalid);
    expect(createMain({ syncReplyTimeout: Number.POSITIVE_INFINITY })).toBeDefined();
    ipc.close();
  });
});
