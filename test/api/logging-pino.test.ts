import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer, ipcMain, setLogger } from '../../src/main.js';
import { createIpcRenderer, disconnect } from '../../src/renderer.node.js';
import { rawClient } from '../transports/websocket/raw-client.js';

/** pino writing JSON lines into memory, parsed: what a log shipper would receive. */
function pinoInMemory(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(() => setLogger(console, { logLevel: 'warn' }));

describe('a pino logger, as it is', () => {
  it("set on the default main: a handler's error arrives with message, stack, channel and webContentsId", async () => {
    const { logger, lines } = pinoInMemory();
    setLogger(logger);
    ipcMain.handle('explode', () => {
      throw new TypeError('the handler broke');
    });
    cleanup.push(() => ipcMain.removeHandler('explode'));
    const server = await createServer({ host: '127.0.0.1' });
    cleanup.push(() => server.close());
    const contents = new Promise<number>((resolve) =>
      server.once('web-contents-created', (webContents: { id: number }) => resolve(webContents.id)),
    );
    const renderer = createIpcRenderer({ url: server.url, reconnect: false });
    cleanup.push(() => disconnect(renderer));
    await expect(renderer.invoke('explode')).rejects.toThrow('the handler broke');
    const line = lines.find((entry) => entry.channel === 'explode');
    expect(line).toMatchObject({
      level: 50,
      msg: "Error occurred in handler for 'explode'",
      channel: 'explode',
      webContentsId: await contents,
      err: { type: 'TypeError', message: 'the handler broke' },
    });
    expect((line!.err as { stack: string }).stack).toMatch(/^TypeError: the handler broke\n\s+at /);
  });

  it('a hostile client: the refusal arrives with its code and the WebContents id', async () => {
    const { logger, lines } = pinoInMemory();
    const main = createMain({ logger });
    const server = await createServer({ main, host: '127.0.0.1' });
    cleanup.push(() => server.close());
    const id = await closeWithTextFrame(server);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        code: 'ERR_IPC_PROTOCOL',
        webContentsId: id,
        msg: expect.stringContaining(`closing WebContents #${id}`),
      }),
    );
  });

  it('an oversize frame: the refusal arrives with ERR_IPC_LIMIT_EXCEEDED', async () => {
    const { logger, lines } = pinoInMemory();
    const main = createMain({ logger, limits: { maxPayload: 4096 } });
    const server = await createServer({ main, host: '127.0.0.1' });
    cleanup.push(() => server.close());
    const created = nextContentsId(server);
    const client = await rawClient(server);
    const id = await created;
    await client.nextFrame(); // hello
    client.socket.send(new Uint8Array(64 * 1024));
    const { code } = await client.closed;
    expect([1008, 1009]).toContain(code);
    await expect
      .poll(() => lines.find((entry) => entry.webContentsId === id && entry.level === 50))
      .toMatchObject({ code: expect.stringMatching(/^ERR_IPC_(LIMIT_EXCEEDED|PAYLOAD_TOO_LARGE)$/) });
  });

  it("below the logLevel nothing reaches pino; setLogger's level applies at once", async () => {
    const { logger, lines } = pinoInMemory('trace');
    const main = createMain({ logger, logLevel: 'silent' });
    const server = await createServer({ main, host: '127.0.0.1' });
    cleanup.push(() => server.close());
    await closeWithTextFrame(server);
    expect(lines).toEqual([]);
    setLogger(undefined, { main, logLevel: 'error' });
    const id = await closeWithTextFrame(server);
    expect(lines.map((line) => [line.level, line.webContentsId])).toEqual([[50, id]]);
  });
});

function nextContentsId(server: IpcServer): Promise<number> {
  return new Promise((resolve) =>
    server.once('web-contents-created', (contents: { id: number }) => resolve(contents.id)),
  );
}

/** Connects a raw client that sends a text frame (a protocol error); resolves with its WebContents id. */
async function closeWithTextFrame(server: IpcServer): Promise<number> {
  const created = nextContentsId(server);
  const client = await rawClient(server);
  const id = await created;
  client.socket.send('not a frame');
  const { code } = await client.closed;
  expect(code).toBe(1008);
  return id;
}
