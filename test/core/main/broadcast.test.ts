import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcError, type WebContents } from '../../../src/main.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { recordingLogger } from '../../conformance/harness.js';

/*
 * main.broadcast over real WebSocket connections (Node clients): every renderer gets the message in
 * order with the rest of its messages, the arguments are encoded once, and a renderer that cannot take
 * it is skipped as `webContents.send` would.
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

type Renderer = ReturnType<typeof createIpcRenderer>;

async function setup(count: number, rendererOptions: Record<string, unknown>[] = []) {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger });
  main.ipcMain.handle('ready', () => true);
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  const renderers: Renderer[] = [];
  for (let i = 0; i < count; i++) {
    const ipc = createIpcRenderer({ url: server.url, ...rendererOptions[i] });
    cleanup.push(() => disconnect(ipc));
    await ipc.invoke('ready');
    renderers.push(ipc);
  }
  return { main, log, renderers };
}

/** What `renderer` receives on `channels`, as `channel:args` strings. */
function record(renderer: Renderer, ...channels: string[]): string[] {
  const seen: string[] = [];
  for (const channel of channels) {
    renderer.on(channel, (_event, ...args) => seen.push(`${channel}:${JSON.stringify(args)}`));
  }
  return seen;
}

/** An argument that counts how often it is read, i.e. encoded. */
function countingValue() {
  let reads = 0;
  const value = {
    get payload() {
      reads++;
      return 'x'.repeat(100);
    },
  };
  return { value, reads: () => reads };
}

describe('main.broadcast', () => {
  it('reaches every renderer, in order with what main sent before and after it', async () => {
    const { main, renderers } = await setup(3);
    const seen = renderers.map((renderer) => record(renderer, 'before', 'all', 'after'));
    const all = main.webContents.getAllWebContents();
    for (const contents of all) contents.send('before', contents.id);
    expect(main.broadcast('all', 1, { two: [2] }, 'three')).toBe(3);
    for (const contents of all) contents.send('after', contents.id);
    await expect.poll(() => seen.map((list) => list.length)).toEqual([3, 3, 3]);
    all.forEach((contents, i) => {
      expect(seen[i]).toEqual([
        `before:[${contents.id}]`,
        'all:[1,{"two":[2]},"three"]',
        `after:[${contents.id}]`,
      ]);
    });
  });

  it('encodes the arguments once, where a send loop encodes them once per renderer', async () => {
    const { main, renderers } = await setup(4);
    const seen = renderers.map((renderer) => record(renderer, 'loop', 'once'));
    const loop = countingValue();
    for (const contents of main.webContents.getAllWebContents()) contents.send('loop', loop.value);
    const once = countingValue();
    main.broadcast('once', once.value);
    expect(loop.reads()).toBe(4);
    expect(once.reads()).toBe(1);
    await expect.poll(() => seen.map((list) => list.length)).toEqual([2, 2, 2, 2]);
    for (const list of seen) expect(list[1]).toBe(`once:[{"payload":"${'x'.repeat(100)}"}]`);
  });

  it('skips destroyed renderers and counts only those it sent to', async () => {
    const { main, renderers } = await setup(3);
    const [gone] = main.webContents.getAllWebContents();
    const destroyed = new Promise((resolve) => gone!.once('destroyed', resolve));
    disconnect(renderers[0]!);
    await destroyed;
    const seen = renderers.slice(1).map((renderer) => record(renderer, 'news'));
    expect(main.broadcast('news', 'hello')).toBe(2);
    await expect.poll(() => seen.map((list) => list.length)).toEqual([1, 1]);
  });

  it('throws ERR_IPC_NOT_CLONEABLE and sends nothing when an argument cannot be cloned', async () => {
    const { main, renderers } = await setup(2);
    const seen = renderers.map((renderer) => record(renderer, 'bad', 'good'));
    expect(() => main.broadcast('bad', 'fine', () => 'not cloneable')).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_NOT_CLONEABLE' }),
    );
    main.broadcast('good', 1);
    await expect.poll(() => seen.map((list) => list.join())).toEqual(['good:[1]', 'good:[1]']);
  });

  it('throws Electron’s TypeError for a channel that is not a string', async () => {
    const { main } = await setup(2);
    expect(() => main.broadcast(42 as unknown as string, 'x')).toThrow(
      new TypeError('Missing required channel argument'),
    );
  });

  it('skips a renderer whose maxPayload is too small, with the drop told; the others get it', async () => {
    const small = { limits: { maxPayload: 4096 } };
    const { main, log, renderers } = await setup(3, [{}, small, {}]);
    const seen = renderers.map((renderer) => record(renderer, 'big', 'next'));
    const dropped: string[] = [];
    const all = main.webContents.getAllWebContents();
    for (const contents of all) {
      contents.on('ipc-message-dropped', (error: IpcError, channel: string) =>
        dropped.push(`${contents.id}:${channel}:${error.code}`),
      );
    }
    expect(main.broadcast('big', 'y'.repeat(10_000))).toBe(3);
    main.broadcast('next', 2);
    await expect.poll(() => seen.map((list) => list.length)).toEqual([2, 1, 2]);
    expect(seen[1]).toEqual(['next:[2]']);
    expect(dropped).toEqual([`${(all[1] as WebContents).id}:big:ERR_IPC_PAYLOAD_TOO_LARGE`]);
    expect(log.warn.length + log.error.length).toBeGreaterThan(0);
  });
});
