import { describe, expect, it, vi } from 'vitest';
import { addRenderer, createMain, type Main } from '../../../src/api/main-context.js';
import { MainTraffic, type MainTrafficRecord } from '../../../src/core/main/main-traffic.js';
import { attachTransport, IpcRenderer } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { onTraffic as onDefaultTraffic } from '../../../src/main.js';
import { createMemoryLink } from '../../../src/transports/memory/memory-transport.js';

/** A main with a memory renderer (real codec, sync path included) and everything its tap records. */
function setup(options: Parameters<typeof createMain>[0] = {}, rendererMaxPayload?: number) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const main = createMain({ logger, ...options });
  const records: MainTrafficRecord[] = [];
  const stop = main.onTraffic((record) => records.push(record));
  const renderer = connect(main, rendererMaxPayload);
  return { main, logger, records, stop, ...renderer };
}

function connect(main: Main, maxPayload?: number) {
  const link = createMemoryLink(undefined, maxPayload);
  const ipcRenderer = new IpcRenderer(maxPayload === undefined ? {} : { limits: { maxPayload } });
  const contents = addRenderer(main, link.main, { type: 'window', url: 'memory://t/', origin: 'memory://t' });
  attachTransport(ipcRenderer, link.renderer);
  return { ipcRenderer, contents };
}

/** Lets the memory link's microtask-coalesced frames cross. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const channelRecords = (records: MainTrafficRecord[]) => records.filter((record) => record.channel !== '');

describe('main.onTraffic', () => {
  it('records a send from a renderer with its size, time and decoded arguments', async () => {
    const { records, ipcRenderer, contents } = setup();
    const before = Date.now();
    ipcRenderer.send('ping', 1, { a: 'b' });
    await settle();
    expect(records).toEqual([
      {
        direction: 'in',
        kind: 'send',
        webContentsId: contents.id,
        channel: 'ping',
        bytes: expect.any(Number),
        time: expect.any(Number),
        outcome: 'ok',
        args: [1, { a: 'b' }],
      },
    ]);
    expect(records[0]!.bytes).toBeGreaterThan('ping'.length);
    expect(records[0]!.time).toBeGreaterThanOrEqual(before);
  });

  it('records webContents.send to a renderer', async () => {
    const { records, contents } = setup();
    await settle();
    records.length = 0;
    contents.send('news', 'x'.repeat(100));
    expect(records).toMatchObject([
      { direction: 'out', kind: 'message', webContentsId: contents.id, channel: 'news', outcome: 'ok' },
    ]);
    expect(records[0]!.bytes).toBeGreaterThanOrEqual(100);
    expect(records[0]!.args).toEqual(['x'.repeat(100)]);
  });

  it('pairs an invoke with its reply, which carries the latency from arrival to reply', async () => {
    const { main, records, ipcRenderer, contents } = setup();
    main.ipcMain.handle('slow', async (_event, ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms * 2;
    });
    expect(await ipcRenderer.invoke('slow', 40)).toBe(80);
    const [invoke, reply] = channelRecords(records);
    expect(invoke).toMatchObject({ direction: 'in', kind: 'invoke', channel: 'slow', args: [40] });
    expect(reply).toMatchObject({
      direction: 'out',
      kind: 'invokeReply',
      webContentsId: contents.id,
      channel: 'slow',
      id: invoke!.id,
      ok: true,
      outcome: 'ok',
      args: [80],
    });
    expect(reply!.durationMs).toBeGreaterThanOrEqual(35);
    expect(reply!.durationMs).toBeLessThan(5_000);
  });

  it('marks a rejected invoke, with the code when the error carries one', async () => {
    const { main, records, ipcRenderer } = setup();
    main.ipcMain.handle('fails', () => {
      throw new Error('nope');
    });
    await expect(ipcRenderer.invoke('fails')).rejects.toThrow('nope');
    await expect(ipcRenderer.invoke('missing')).rejects.toThrow('No handler registered');
    const replies = records.filter((record) => record.kind === 'invokeReply');
    expect(replies).toMatchObject([
      { channel: 'fails', ok: false, error: 'Error: nope' },
      { channel: 'missing', ok: false, error: "Error: No handler registered for 'missing'" },
    ]);
    expect(replies[0]).not.toHaveProperty('code');
  });

  it('gives a reply too large for the renderer ERR_IPC_PAYLOAD_TOO_LARGE', async () => {
    const { main, records, ipcRenderer } = setup({}, 4096);
    main.ipcMain.handle('big', () => 'x'.repeat(10_000));
    await expect(ipcRenderer.invoke('big')).rejects.toThrow('ERR_IPC_PAYLOAD_TOO_LARGE');
    expect(records.filter((record) => record.kind === 'invokeReply')).toMatchObject([
      { channel: 'big', ok: false, code: 'ERR_IPC_PAYLOAD_TOO_LARGE' },
    ]);
  });

  it('records sendSync and its reply with latency; no listener means ok: false', async () => {
    const { main, records, ipcRenderer } = setup();
    main.ipcMain.on('sync', (event, value: number) => {
      event.returnValue = value + 1;
    });
    expect(ipcRenderer.sendSync('sync', 1)).toBe(2);
    expect(ipcRenderer.sendSync('nobody')).toEqual({ error: 'reply was never sent' });
    await settle();
    expect(channelRecords(records)).toMatchObject([
      { direction: 'in', kind: 'sendSync', channel: 'sync', args: [1] },
      { direction: 'out', kind: 'syncReply', channel: 'sync', ok: true, args: [2] },
      { direction: 'in', kind: 'sendSync', channel: 'nobody' },
      { direction: 'out', kind: 'syncReply', channel: 'nobody', ok: false, error: 'reply was never sent' },
    ]);
    const reply = records.find((record) => record.kind === 'syncReply')!;
    expect(reply.durationMs).toBeGreaterThanOrEqual(0);
    expect(reply.id).toBe(records.find((record) => record.kind === 'sendSync')!.id);
  });

  it('records a sendTo refused by allowSendTo, with ERR_IPC_REFUSED and the reason', async () => {
    const { main, records, ipcRenderer, contents } = setup({ allowSendTo: () => false });
    const other = connect(main);
    await settle();
    records.length = 0;
    ipcRenderer.sendTo(other.contents.id, 'hello', 1);
    await settle();
    expect(records).toMatchObject([
      { direction: 'in', kind: 'sendTo', channel: 'hello', outcome: 'ok', webContentsId: contents.id },
      {
        direction: 'in',
        kind: 'sendTo',
        channel: 'hello',
        outcome: 'refused',
        code: 'ERR_IPC_REFUSED',
        error: 'refused by allowSendTo',
      },
    ]);
  });

  it('records a relayed sendTo as a message to the target', async () => {
    const { main, records, ipcRenderer } = setup();
    const other = connect(main);
    await settle();
    records.length = 0;
    ipcRenderer.sendTo(other.contents.id, 'hello', 1);
    await settle();
    expect(records.map((record) => [record.kind, record.webContentsId, record.outcome])).toEqual([
      ['sendTo', expect.any(Number), 'ok'],
      ['message', other.contents.id, 'ok'],
    ]);
  });

  it('records a drop (too large for the renderer) with ERR_IPC_PAYLOAD_TOO_LARGE', async () => {
    const { records, contents } = setup({}, 4096);
    await settle();
    contents.send('huge', new Uint8Array(10_000));
    expect(records.at(-1)).toMatchObject({
      direction: 'out',
      kind: 'message',
      channel: 'huge',
      outcome: 'dropped',
      code: 'ERR_IPC_PAYLOAD_TOO_LARGE',
      bytes: 0,
    });
  });

  it('records a connection main closes for breaking the rules, with its code', () => {
    const main = createMain({ logger: { warn: vi.fn(), error: vi.fn() } });
    const records: MainTrafficRecord[] = [];
    main.onTraffic((record) => records.push(record));
    let events!: Parameters<Parameters<typeof addRenderer>[1]['start']>[0];
    const contents = addRenderer(
      main,
      {
        capabilities: { sync: false, transfer: false },
        start: (e) => {
          events = e;
        },
        send: () => {},
        close: () => {},
      },
      { type: 'window', url: 'x:', origin: 'x:' },
    );
    events.frame(new Uint8Array([5, 1, 2, 3]));
    expect(records).toMatchObject([
      { kind: 'connection', webContentsId: contents.id, outcome: 'error', code: 'ERR_IPC_DECODE' },
    ]);
  });

  it('stops recording once unsubscribed, and a second unsubscribe is harmless', async () => {
    const { records, stop, ipcRenderer } = setup();
    ipcRenderer.send('a');
    await settle();
    stop();
    stop();
    ipcRenderer.send('b');
    await settle();
    expect(records.map((record) => record.channel)).toEqual(['a']);
  });

  it('costs nothing without a listener: the tap is never called', async () => {
    const calls = [
      vi.spyOn(MainTraffic.prototype, 'received'),
      vi.spyOn(MainTraffic.prototype, 'sent'),
      vi.spyOn(MainTraffic.prototype, 'noteSizes'),
    ];
    try {
      const main = createMain({ logger: { warn: vi.fn(), error: vi.fn() } });
      main.ipcMain.handle('h', () => 1);
      main.ipcMain.on('s', (event) => {
        event.returnValue = 2;
      });
      const { ipcRenderer, contents } = connect(main);
      ipcRenderer.send('x', 1);
      expect(await ipcRenderer.invoke('h')).toBe(1);
      expect(ipcRenderer.sendSync('s')).toBe(2);
      contents.send('y');
      await settle();
      for (const spy of calls) expect(spy).not.toHaveBeenCalled();
      // The same traffic with a listener does reach the tap (the spies can see it).
      main.onTraffic(() => {});
      ipcRenderer.send('x', 1);
      await settle();
      expect(calls[0]).toHaveBeenCalled();
    } finally {
      for (const spy of calls) spy.mockRestore();
    }
  });

  it('a listener that throws is logged and the message still goes through', async () => {
    const { main, logger, ipcRenderer } = setup();
    main.onTraffic(() => {
      throw new Error('tap broke');
    });
    const seen: unknown[] = [];
    main.ipcMain.on('m', (_event, value) => seen.push(value));
    ipcRenderer.send('m', 7);
    await settle();
    expect(seen).toEqual([7]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      expect.stringContaining('traffic listener'),
    );
  });

  it('refuses a listener that is not a function with ERR_IPC_INVALID_ARGUMENT', () => {
    const main = createMain();
    expect(() => main.onTraffic(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
    );
    expect(() => onDefaultTraffic('x' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }),
    );
  });

  it('the default main has a tap too (ipc-anywhere/main onTraffic)', () => {
    const stop = onDefaultTraffic(() => {});
    expect(typeof stop).toBe('function');
    stop();
  });
});
