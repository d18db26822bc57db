import { describe, expect, it } from 'vitest';
import { onTraffic, type RendererTrafficRecord } from '../../../src/renderer.js';
import { createMemoryIpc } from '../../../src/testing.js';

describe('renderer traffic tap', () => {
  it('reports every message with direction, kind, channel, size and reply round-trip time', async () => {
    const ipc = createMemoryIpc({ logger: { warn() {}, error() {} } });
    ipc.ipcMain.on('hello', (event) => event.reply('hello-back', 'x'.repeat(100)));
    ipc.ipcMain.on('sync', (event) => {
      event.returnValue = 1;
    });
    ipc.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
    const { ipcRenderer } = ipc.createRenderer();
    const records: RendererTrafficRecord[] = [];
    const stop = onTraffic((record) => records.push(record), ipcRenderer);
    const back = new Promise((resolve) => ipcRenderer.once('hello-back', resolve));
    ipcRenderer.send('hello');
    await back;
    ipcRenderer.sendSync('sync');
    await ipcRenderer.invoke('add', 1, 2);
    await ipcRenderer.invoke('missing').catch(() => {});
    stop();
    ipcRenderer.send('after-stop');
    const summary = records.map(({ direction, kind, channel, ok }) => ({ direction, kind, channel, ok }));
    expect(summary).toEqual([
      { direction: 'out', kind: 'send', channel: 'hello', ok: undefined },
      { direction: 'in', kind: 'message', channel: 'hello-back', ok: undefined },
      { direction: 'out', kind: 'sendSync', channel: 'sync', ok: undefined },
      { direction: 'in', kind: 'syncReply', channel: 'sync', ok: true },
      { direction: 'out', kind: 'invoke', channel: 'add', ok: undefined },
      { direction: 'in', kind: 'invokeReply', channel: 'add', ok: true },
      { direction: 'out', kind: 'invoke', channel: 'missing', ok: undefined },
      { direction: 'in', kind: 'invokeReply', channel: 'missing', ok: false },
    ]);
    for (const record of records) expect(record.bytes).toBeGreaterThan(0);
    expect(records[1]!.bytes).toBeGreaterThan(100);
    for (const reply of records.filter((record) => record.kind.endsWith('Reply'))) {
      expect(reply.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});
