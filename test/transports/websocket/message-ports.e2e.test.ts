import { describe, expect, it } from 'vitest';
import { type IpcMainEvent, MessageChannelMain, type WebContents } from '../../../src/main.js';
import { chromiumSuite } from './browser.js';

const suite = chromiumSuite();

/** Resolves with the arguments (after the event) of the next `channel` message from `contents`. */
function nextFrom(contents: WebContents, channel: string): Promise<unknown[]> {
  return new Promise((resolve) =>
    contents.ipc.once(channel, (_event: IpcMainEvent, ...args: unknown[]) => resolve(args)),
  );
}

const COUNT = 10_000;

describe('MessagePorts between two Chromium pages (a port pair created in main)', () => {
  it(`carry ${COUNT} messages with Maps and typed arrays in order, and close together`, async () => {
    const { server } = await suite.start();
    const a = await suite.open(server);
    const b = await suite.open(server);
    // Each page keeps the port main gives it, and says so.
    for (const { page } of [a, b]) {
      await page.evaluate(() => {
        const ipc = (window as any).ipcRenderer;
        ipc.on('port', (event: { ports: MessagePort[] }) => {
          const [port] = event.ports;
          (window as any).port = port;
          port!.addEventListener('close', () => ipc.send('port-closed'));
          port!.start();
          ipc.send('got-port', port instanceof MessagePort);
        });
      });
    }
    const gotA = nextFrom(a.webContents, 'got-port');
    const gotB = nextFrom(b.webContents, 'got-port');
    const { port1, port2 } = new MessageChannelMain();
    a.webContents.postMessage('port', null, [port1]);
    b.webContents.postMessage('port', null, [port2]);
    expect(await gotA).toEqual([true]);
    expect(await gotB).toEqual([true]);

    // B checks every message as it comes; A sends them all at once.
    const verdict = b.page.evaluate((count) => {
      const port = (window as any).port as MessagePort;
      return new Promise<string>((resolve) => {
        let next = 0;
        port.addEventListener('message', ({ data }) => {
          const ok =
            data.i === next &&
            data.map instanceof Map &&
            data.map.get(next) === `v${next}` &&
            data.bytes instanceof Float64Array &&
            data.bytes[0] === next / 2 &&
            data.bytes.length === 3;
          if (!ok) resolve(`message ${next} was wrong: ${JSON.stringify(data)}`);
          next += 1;
          if (next === count) resolve('in order');
        });
      });
    }, COUNT);
    await a.page.evaluate((count) => {
      const port = (window as any).port as MessagePort;
      for (let i = 0; i < count; i++) {
        port.postMessage({ i, map: new Map([[i, `v${i}`]]), bytes: new Float64Array([i / 2, 0, 1]) });
      }
    }, COUNT);
    expect(await verdict).toBe('in order');

    // Closing page A closes B's port.
    const closed = nextFrom(b.webContents, 'port-closed');
    await a.page.close();
    await closed;
  }, 60_000);

  it('a port sent by one page reaches another page through main', async () => {
    const { server, main } = await suite.start();
    const a = await suite.open(server);
    const b = await suite.open(server);
    const arrived = new Promise<IpcMainEvent>((resolve) => main.ipcMain.once('port', resolve));
    await a.page.evaluate(() => {
      const channel = new MessageChannel();
      channel.port2.onmessage = (event) => (window as any).ipcRenderer.send('echo', event.data);
      (window as any).ipcRenderer.postMessage('port', null, [channel.port1]);
    });
    const [port] = (await arrived).ports;
    await b.page.evaluate(() => {
      (window as any).ipcRenderer.on('port', (event: { ports: MessagePort[] }) =>
        event.ports[0]!.postMessage('from B'),
      );
    });
    const echo = nextFrom(a.webContents, 'echo');
    b.webContents.postMessage('port', null, [port!]);
    expect(await echo).toEqual(['from B']);
  });
});
