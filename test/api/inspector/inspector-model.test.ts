import { describe, expect, it, vi } from 'vitest';
import {
  InspectorModel,
  MAX_CHANNELS,
  OTHER_CHANNELS,
  TIMELINE_ENTRIES,
} from '../../../src/api/inspector/inspector-model.js';
import { addRenderer, createMain, type Main } from '../../../src/api/main-context.js';
import { attachTransport, IpcRenderer } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { IpcError } from '../../../src/protocol/errors.js';
import { createMemoryLink } from '../../../src/transports/memory/memory-transport.js';
import type { MainTransport, MainTransportEvents } from '../../../src/transports/transport.js';

function connect(main: Main, url = 'memory://page/') {
  const link = createMemoryLink();
  const ipcRenderer = new IpcRenderer();
  const contents = addRenderer(main, link.main, { type: 'window', url, origin: 'memory://page' });
  attachTransport(ipcRenderer, link.renderer);
  return { ipcRenderer, contents };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const quietMain = (options = {}) => createMain({ logger: { warn: vi.fn(), error: vi.fn() }, ...options });

describe('InspectorModel', () => {
  it('lists renderers, counts channels and keeps invoke latency histograms', async () => {
    const main = quietMain();
    const early = connect(main, 'memory://early/');
    const model = new InspectorModel(main);
    const late = connect(main, 'memory://late/');
    model.track(late.contents);
    main.ipcMain.handle('sum', async (_event, a: number, b: number) => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return a + b;
    });
    expect(await late.ipcRenderer.invoke('sum', 1, 2)).toBe(3);
    early.ipcRenderer.send('note', 'x');
    await settle();
    const snapshot = model.snapshot();
    expect(snapshot.renderers.map((r) => [r.id, r.url, r.state, r.sinceExact])).toEqual([
      [early.contents.id, 'memory://early/', 'connected', false],
      [late.contents.id, 'memory://late/', 'connected', true],
    ]);
    const sum = snapshot.channels.find((c) => c.channel === 'sum')!;
    expect(sum).toMatchObject({ in: 1, out: 1, errors: 0 });
    expect(sum.invoke!.count).toBe(1);
    expect(sum.invoke!.maxMs).toBeGreaterThanOrEqual(10);
    expect(sum.invoke!.p50Ms).toBeGreaterThanOrEqual(10);
    expect(sum.invoke!.buckets.reduce((a, b) => a + b)).toBe(1);
    expect(snapshot.channels.find((c) => c.channel === 'note')).toMatchObject({ in: 1, out: 0 });
    expect(snapshot.totals.messages).toBe(3);
    expect(model.entriesAfter(0).map((e) => [e.kind, e.channel, e.preview])).toEqual([
      ['invoke', 'sum', '[1, 2]'],
      ['invokeReply', 'sum', '[3]'],
      ['send', 'note', '["x"]'],
    ]);
    expect(model.entriesAfter(2).map((e) => e.n)).toEqual([3]);
    model.close();
  });

  it('keeps failed calls and refusals in the errors list with their codes', async () => {
    const main = quietMain({ allowSendTo: () => false });
    const model = new InspectorModel(main);
    const a = connect(main);
    const b = connect(main);
    await expect(a.ipcRenderer.invoke('none')).rejects.toThrow();
    a.ipcRenderer.sendTo(b.contents.id, 'hop');
    await settle();
    const { errors, totals, channels } = model.snapshot();
    expect(errors.map((e) => [e.kind, e.channel, e.outcome, e.ok])).toEqual([
      ['invokeReply', 'none', 'ok', false],
      ['sendTo', 'hop', 'refused', undefined],
    ]);
    expect(totals.errors).toBe(2);
    expect(channels.find((c) => c.channel === 'hop')!.errors).toBe(1);
    model.close();
  });

  it('follows the link state: suspended while a resumable renderer is away, then destroyed', () => {
    const main = quietMain({ resumeGracePeriod: 60_000 });
    let events!: MainTransportEvents;
    const transport: MainTransport = {
      capabilities: { sync: false, transfer: false },
      resumable: true,
      start: (e) => {
        events = e;
      },
      send: () => {},
      close: () => {},
    };
    const contents = addRenderer(main, transport, { type: 'window', url: 'x:', origin: 'x:' });
    const model = new InspectorModel(main);
    const state = () => model.snapshot().renderers.find((r) => r.id === contents.id)?.state;
    expect(state()).toBe('connected');
    events.suspended?.(new IpcError('ERR_IPC_CLOSED', 'socket dropped'));
    expect(state()).toBe('suspended');
    contents.close();
    expect(state()).toBe('destroyed');
    expect(model.snapshot().renderers[0]!.endedAt).toBeGreaterThan(0);
    model.close();
  });

  it('stays bounded: channels past MAX_CHANNELS share one row, the timeline keeps the newest entries', async () => {
    const main = quietMain();
    const model = new InspectorModel(main);
    const { ipcRenderer } = connect(main);
    const messages = MAX_CHANNELS + 300;
    for (let i = 0; i < 2 * TIMELINE_ENTRIES; i++) ipcRenderer.send('flood', i);
    for (let i = 0; i < messages; i++) ipcRenderer.send(`channel-${i}`, i);
    await settle();
    const snapshot = model.snapshot();
    expect(snapshot.channelsTotal).toBe(MAX_CHANNELS + 1);
    expect(snapshot.channels[0]!.channel).toBe('flood');
    const other = snapshot.channels.find((c) => c.channel === OTHER_CHANNELS);
    expect(other?.in).toBe(messages - (MAX_CHANNELS - 1));
    const entries = model.entriesAfter(0);
    expect(entries).toHaveLength(TIMELINE_ENTRIES);
    expect(entries.at(-1)!.n).toBe(messages + 2 * TIMELINE_ENTRIES);
    expect(entries.at(-1)!.preview).toBe(`[${messages - 1}]`);
    model.close();
  });

  it('stops listening on close: no more records, no listeners left on renderers', async () => {
    const main = quietMain();
    const { ipcRenderer, contents } = connect(main);
    const before = contents.listenerCount('destroyed');
    const model = new InspectorModel(main);
    expect(contents.listenerCount('destroyed')).toBe(before + 1);
    model.close();
    expect(contents.listenerCount('destroyed')).toBe(before);
    ipcRenderer.send('after');
    await settle();
    expect(model.lastEntry).toBe(0);
  });
});
