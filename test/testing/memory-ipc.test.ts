import { describe, expect, it, vi } from 'vitest';
import { createMemoryIpc } from '../../src/testing.js';

describe('createMemoryIpc', () => {
  it('keeps worlds isolated from each other and from the default singletons', async () => {
    const a = createMemoryIpc();
    const b = createMemoryIpc();
    const seen: string[] = [];
    a.ipcMain.on('ch', () => seen.push('a'));
    b.ipcMain.on('ch', () => seen.push('b'));
    a.createRenderer().ipcRenderer.send('ch');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['a']);
    expect(a.webContents.getAllWebContents()).toHaveLength(1);
    expect(b.webContents.getAllWebContents()).toHaveLength(0);
  });

  it('never gives the receiver the sender object identity', async () => {
    const ipc = createMemoryIpc();
    const sent = { nested: { value: 1 } };
    const received = new Promise<unknown>((resolve) =>
      ipc.ipcMain.once('obj', (_event, value) => resolve(value)),
    );
    ipc.createRenderer().ipcRenderer.send('obj', sent);
    sent.nested.value = 2;
    const value = (await received) as typeof sent;
    expect(value).not.toBe(sent);
    expect(value.nested.value).toBe(1);
  });

  it('records postMessage both ways, with the message as its one argument (ports not recorded)', async () => {
    const ipc = createMemoryIpc({ logger: { warn: vi.fn(), error: vi.fn() } });
    const { ipcRenderer, webContents } = ipc.createRenderer();
    const arrived = new Promise((resolve) => ipc.ipcMain.once('up', (event) => resolve(event.ports.length)));
    const { port1, port2 } = new MessageChannel();
    ipcRenderer.postMessage('up', { n: 1 }, [port1]);
    expect(await arrived).toBe(1);
    const down = new Promise((resolve) => ipcRenderer.once('down', (_event, message) => resolve(message)));
    webContents.postMessage('down', 'two');
    expect(await down).toBe('two');
    expect(
      ipc.traffic.records().map(({ direction, kind, channel, args }) => [direction, kind, channel, args]),
    ).toEqual([
      ['renderer-to-main', 'postMessage', 'up', [{ n: 1 }]],
      ['main-to-renderer', 'postMessage', 'down', ['two']],
    ]);
    port2.close();
    ipc.close();
  });

  it('records traffic with direction, channel, decoded args and call outcomes', async () => {
    const ipc = createMemoryIpc({ logger: { warn: vi.fn(), error: vi.fn() } });
    ipc.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
    ipc.ipcMain.handle('fail', () => {
      throw new Error('nope');
    });
    ipc.ipcMain.on('sync', (event) => {
      event.returnValue = 'answer';
    });
    ipc.ipcMain.on('hi', (event) => event.reply('hi-back', new Date(0)));
    const { ipcRenderer, webContents } = ipc.createRenderer();
    const back = new Promise((resolve) => ipcRenderer.once('hi-back', resolve));
    ipcRenderer.send('hi', 1);
    expect(ipcRenderer.sendSync('sync')).toBe('answer');
    expect(await ipcRenderer.invoke('add', 2, 3)).toBe(5);
    await ipcRenderer.invoke('fail').catch(() => {});
    await back;
    const records = ipc.traffic
      .records()
      .map(({ direction, kind, channel, args, outcome, webContentsId }) => ({
        direction,
        kind,
        channel,
        args,
        outcome,
        webContentsId,
      }));
    expect(records).toEqual([
      {
        direction: 'renderer-to-main',
        kind: 'send',
        channel: 'hi',
        args: [1],
        outcome: undefined,
        webContentsId: webContents.id,
      },
      {
        direction: 'renderer-to-main',
        kind: 'sendSync',
        channel: 'sync',
        args: [],
        outcome: { ok: true, value: 'answer' },
        webContentsId: webContents.id,
      },
      {
        direction: 'main-to-renderer',
        kind: 'message',
        channel: 'hi-back',
        args: [new Date(0)],
        outcome: undefined,
        webContentsId: webContents.id,
      },
      {
        direction: 'renderer-to-main',
        kind: 'invoke',
        channel: 'add',
        args: [2, 3],
        outcome: { ok: true, value: 5 },
        webContentsId: webContents.id,
      },
      {
        direction: 'renderer-to-main',
        kind: 'invoke',
        channel: 'fail',
        args: [],
        outcome: { ok: false, error: 'Error: nope' },
        webContentsId: webContents.id,
      },
    ]);
    expect(ipc.traffic.onChannel('add')).toHaveLength(1);
    ipc.traffic.clear();
    expect(ipc.traffic.records()).toHaveLength(0);
  });

  it('lists handler channels and calls a handler directly with cloned arguments', async () => {
    const ipc = createMemoryIpc();
    const { webContents } = ipc.createRenderer();
    ipc.ipcMain.handle('global', (_event, value: { n: number }) => ({
      doubled: value.n * 2,
      at: new Date(5),
    }));
    webContents.ipc.handle('scoped', (event) => event.sender.id);
    expect(ipc.handlerChannels()).toEqual(['global']);
    expect(ipc.handlerChannels(webContents).sort()).toEqual(['global', 'scoped']);
    expect(await ipc.callHandler('global', [{ n: 21 }])).toEqual({ doubled: 42, at: new Date(5) });
    expect(await ipc.callHandler('scoped', [], webContents)).toBe(webContents.id);
    await expect(ipc.callHandler('missing')).rejects.toThrow("No handler registered for 'missing'");
    await expect(ipc.callHandler('global', [() => 1])).rejects.toThrow('An object could not be cloned.');
  });

  it('queues what a renderer sends before main listens, and delivers asynchronously in order', async () => {
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    const seen: number[] = [];
    ipcRenderer.send('n', 1);
    ipcRenderer.send('n', 2);
    ipc.ipcMain.on('n', (_event, n) => seen.push(n));
    expect(seen).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([1, 2]);
  });

  it('delivers sendToHost from a guest to its host only, never to ipcMain', async () => {
    const ipc = createMemoryIpc();
    const host = ipc.createRenderer();
    const guest = ipc.createRenderer({ hostWebContents: host.webContents });
    expect(guest.webContents.getType()).toBe('webview');
    expect(guest.webContents.hostWebContents).toBe(host.webContents);
    let reachedMain = false;
    ipc.ipcMain.on('to-host', () => {
      reachedMain = true;
    });
    guest.ipcRenderer.sendToHost('to-host', 1, 'two');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reachedMain).toBe(false);
    const record = ipc.traffic.records().find((r) => r.kind === 'hostMessage');
    expect(record).toMatchObject({
      direction: 'main-to-renderer',
      webContentsId: host.webContents.id,
      args: [1, 'two'],
    });
  });

  it('close() destroys every renderer and rejects what is pending', async () => {
    const ipc = createMemoryIpc();
    ipc.ipcMain.handle('hang', () => new Promise(() => {}));
    const { ipcRenderer, webContents } = ipc.createRenderer();
    const pending = ipcRenderer.invoke('hang');
    await new Promise((resolve) => setTimeout(resolve, 0));
    ipc.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    expect(webContents.isDestroyed()).toBe(true);
    expect(() => ipcRenderer.send('after')).toThrow(expect.objectContaining({ code: 'ERR_IPC_CLOSED' }));
  });
});
