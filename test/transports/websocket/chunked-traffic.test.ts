import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type MainTrafficRecord } from '../../../src/main.js';
import {
  createIpcRenderer,
  disconnect,
  onTraffic,
  type RendererTrafficRecord,
} from '../../../src/renderer.node.js';

/*
 * The traffic tap over a real WebSocket for messages large enough to travel in chunks (over 512 KiB):
 * a record per message, with the whole message's encoded size, not one per chunk or zero.
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const MiB = 1024 * 1024;

describe('main.onTraffic with chunked messages', () => {
  it('records a chunked send, invoke and reply once each, with their whole size', async () => {
    const main = createMain({ logLevel: 'silent' });
    const records: MainTrafficRecord[] = [];
    main.onTraffic((record) => records.push(record));
    let got = 0;
    main.ipcMain.on('upload', (_event, bytes: Uint8Array) => {
      got = bytes.byteLength;
    });
    main.ipcMain.handle('echo', (_event, bytes: Uint8Array) => bytes);
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    const ipc = createIpcRenderer({ url: server.url });
    cleanup.push(() => disconnect(ipc));

    ipc.send('upload', new Uint8Array(2 * MiB));
    const echoed = (await ipc.invoke('echo', new Uint8Array(MiB))) as Uint8Array;
    expect(got).toBe(2 * MiB);
    expect(echoed.byteLength).toBe(MiB);

    const of = (channel: string) => records.filter((record) => record.channel === channel);
    const [upload] = of('upload');
    expect(of('upload')).toHaveLength(1);
    expect(upload!.bytes).toBeGreaterThan(2 * MiB);
    expect(upload!.bytes).toBeLessThan(2 * MiB + 64);
    const echo = of('echo');
    expect(echo.map((record) => record.kind)).toEqual(['invoke', 'invokeReply']);
    for (const record of echo) {
      expect(record.bytes).toBeGreaterThan(MiB);
      expect(record.bytes).toBeLessThan(MiB + 64);
    }
  });
});

describe('onTraffic in a renderer with chunked messages', () => {
  it('records a chunked send, invoke and reply once each, with their whole size', async () => {
    const main = createMain({ logLevel: 'silent' });
    main.ipcMain.on('upload', () => {});
    main.ipcMain.handle('echo', (_event, bytes: Uint8Array) => bytes);
    const server = await createServer({ main });
    cleanup.push(() => server.close());
    const ipc = createIpcRenderer({ url: server.url });
    cleanup.push(() => disconnect(ipc));
    const records: RendererTrafficRecord[] = [];
    cleanup.push(onTraffic((record) => records.push(record), ipc));

    ipc.send('upload', new Uint8Array(2 * MiB));
    await ipc.invoke('echo', new Uint8Array(MiB));

    const summary = records.map(({ direction, kind, channel }) => `${direction} ${kind} ${channel}`);
    expect(summary).toEqual(['out send upload', 'out invoke echo', 'in invokeReply echo']);
    expect(records[0]!.bytes).toBeGreaterThan(2 * MiB);
    expect(records[0]!.bytes).toBeLessThan(2 * MiB + 64);
    for (const record of records.slice(1)) {
      expect(record.bytes).toBeGreaterThan(MiB);
      expect(record.bytes).toBeLessThan(MiB + 64);
    }
    expect(records[2]!.durationMs).toBeGreaterThan(0);
  });
});
