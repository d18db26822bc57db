import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from '../../../src/main.js';
import { createMemoryIpc } from '../../../src/testing.js';

/** Resolves after every message queued so far has been delivered (memory links deliver in order). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('allowSendTo', () => {
  it('decides which renderer may reach which with sendTo; refused messages are dropped and logged', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const seen: [WebContents, WebContents][] = [];
    const ipc = createMemoryIpc({
      logger,
      allowSendTo: (sender, target) => {
        seen.push([sender, target]);
        return target.getURL().startsWith('memory://open/');
      },
    });
    const from = ipc.createRenderer({ url: 'memory://app/a' });
    const open = ipc.createRenderer({ url: 'memory://open/b' });
    const closed = ipc.createRenderer({ url: 'memory://app/c' });
    const received: string[] = [];
    open.ipcRenderer.on('hi', (event, text) => received.push(`open ${event.senderId} ${text}`));
    closed.ipcRenderer.on('hi', (_event, text) => received.push(`closed ${text}`));
    from.ipcRenderer.sendTo(open.webContents.id, 'hi', 'one');
    from.ipcRenderer.sendTo(closed.webContents.id, 'hi', 'two');
    await settle();
    expect(received).toEqual([`open ${from.webContents.id} one`]);
    expect(seen).toEqual([
      [from.webContents, open.webContents],
      [from.webContents, closed.webContents],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_REFUSED' }),
      `ipc-anywhere: dropped sendTo('hi') from WebContents #${from.webContents.id} to #${closed.webContents.id}: refused by allowSendTo.`,
    );
    ipc.close();
  });

  it('lets everything through by default, as Electron did, and refuses a non-function', async () => {
    const ipc = createMemoryIpc();
    const a = ipc.createRenderer();
    const b = ipc.createRenderer();
    const received: unknown[] = [];
    b.ipcRenderer.on('hi', (_event, value) => received.push(value));
    a.ipcRenderer.sendTo(b.webContents.id, 'hi', 1);
    await settle();
    expect(received).toEqual([1]);
    ipc.close();
    expect(() => createMemoryIpc({ allowSendTo: true as never })).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
    );
  });
});
