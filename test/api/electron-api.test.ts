import { describe, expect, it } from 'vitest';
import { contextBridge } from '../../src/api/context-bridge.js';
import { createElectronAPI, type ElectronModule } from '../../src/api/electron-api.js';
import { createPreloadProcess } from '../../src/api/process-shim.js';
import { createWebFrame } from '../../src/api/web-frame.js';
import { webUtils } from '../../src/api/web-utils.js';
import { createMemoryIpc } from '../../src/testing.js';

function setup() {
  const ipc = createMemoryIpc();
  const { ipcRenderer, webContents } = ipc.createRenderer();
  const electron: ElectronModule = { ipcRenderer, contextBridge, webFrame: createWebFrame(), webUtils };
  const process = createPreloadProcess({
    userAgent: 'Mozilla/5.0 Chrome/130.0.1.2 Safari/537.36',
    platform: 'Win32',
  });
  return { ipc, ipcRenderer, webContents, electron, api: createElectronAPI(electron, process) };
}

/** @electron-toolkit/preload's ElectronAPI, member by member. */
const TOOLKIT_SHAPE = {
  ipcRenderer: [
    'invoke',
    'on',
    'once',
    'postMessage',
    'removeAllListeners',
    'removeListener',
    'send',
    'sendSync',
    'sendTo',
    'sendToHost',
  ],
  webFrame: ['insertCSS', 'setZoomFactor', 'setZoomLevel'],
  webUtils: ['getPathForFile'],
  process: ['env', 'platform', 'versions'],
};

describe("window.electron in @electron-toolkit/preload's shape", () => {
  it('has exactly the members of ElectronAPI', () => {
    const { api, ipc } = setup();
    expect(Object.keys(api).sort()).toEqual(Object.keys(TOOLKIT_SHAPE).sort());
    for (const [part, members] of Object.entries(TOOLKIT_SHAPE))
      expect([part, Object.keys((api as any)[part]).sort()]).toEqual([part, members]);
    expect(api.process).toEqual({ platform: 'win32', versions: { chrome: '130.0.1.2' }, env: {} });
    ipc.close();
  });

  it('on and once return a remover; removeListener returns the wrapper; ipcRenderer.on still returns ipcRenderer', async () => {
    const { api, ipcRenderer, webContents, ipc } = setup();
    const got: unknown[] = [];
    const off = api.ipcRenderer.on('tick', (_event, n) => got.push(n));
    expect(typeof off).toBe('function');
    const offOnce = api.ipcRenderer.once('tick', (_event, n) => got.push(`once ${n}`));
    expect(typeof offOnce).toBe('function');
    webContents.send('tick', 1);
    await expect.poll(() => got.length).toBe(2);
    off();
    expect(ipcRenderer.listenerCount('tick')).toBe(0);
    const offAgain = api.ipcRenderer.once('tick', () => got.push('never'));
    offAgain();
    expect(ipcRenderer.listenerCount('tick')).toBe(0);
    webContents.send('tick', 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(got).toEqual([1, 'once 1']);
    const listener = () => {};
    api.ipcRenderer.on('other', listener);
    expect(api.ipcRenderer.removeListener('other', listener)).toBe(api.ipcRenderer);
    expect(ipcRenderer.listenerCount('other')).toBe(0);
    expect(ipcRenderer.on('x', listener)).toBe(ipcRenderer);
    api.ipcRenderer.removeAllListeners('x');
    expect(ipcRenderer.listenerCount('x')).toBe(0);
    ipc.close();
  });

  it('listeners get the real event (its sender is ipcRenderer)', async () => {
    const { api, ipcRenderer, webContents, ipc } = setup();
    const sender = new Promise((resolve) => api.ipcRenderer.on('who', (event) => resolve(event.sender)));
    webContents.send('who');
    expect(await sender).toBe(ipcRenderer);
    ipc.close();
  });

  it('send, invoke and postMessage reach ipcMain', async () => {
    const { api, ipc } = setup();
    ipc.ipcMain.handle('add', (_event, a: number, b: number) => a + b);
    const sent: unknown[] = [];
    ipc.ipcMain.on('note', (_event, ...args) => sent.push(args));
    api.ipcRenderer.send('note', 'a', 1);
    api.ipcRenderer.postMessage('note', { b: 2 });
    api.ipcRenderer.postMessage('note', 'c', []);
    expect(await api.ipcRenderer.invoke('add', 2, 3)).toBe(5);
    expect(sent).toEqual([['a', 1], [{ b: 2 }], ['c']]);
    expect(() => api.ipcRenderer.postMessage('note', 'd', [{} as MessagePort])).toThrow(
      new TypeError('Invalid value for transfer'),
    );
    const withPort = new Promise((resolve) =>
      ipc.ipcMain.once('with-port', (event) => resolve(event.ports.length)),
    );
    const { port1, port2 } = new MessageChannel();
    api.ipcRenderer.postMessage('with-port', null, [port1]);
    expect(await withPort).toBe(1);
    port2.close();
    ipc.close();
  });

  it('webFrame ignores what the toolkit ignores (zoom factor not above 0, a level that is not a number)', () => {
    const { api, electron, ipc } = setup();
    api.webFrame.setZoomFactor(0);
    api.webFrame.setZoomFactor(-1);
    api.webFrame.setZoomLevel('1' as never);
    expect(electron.webFrame.getZoomFactor()).toBe(1);
    api.webFrame.setZoomFactor(2);
    expect(electron.webFrame.getZoomFactor()).toBe(2);
    api.webFrame.setZoomLevel(1);
    expect(electron.webFrame.getZoomFactor()).toBeCloseTo(1.2);
    expect(typeof api.webFrame.insertCSS('body { color: red }')).toBe('string');
    expect(api.webUtils.getPathForFile(new Blob(['x']) as File)).toBe('');
    ipc.close();
  });
});
