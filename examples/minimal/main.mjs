// A minimal runnable example until the demo app lands: one main, two in-memory renderers.
import { createMemoryIpc } from 'ipc-anywhere/testing';

const ipc = createMemoryIpc();
ipc.ipcMain.on('hello', (event, name) => event.reply('hello-reply', `Hello, ${name}!`));
ipc.ipcMain.on('settings', (event) => {
  event.returnValue = { theme: 'dark', since: new Date('2024-01-01T00:00:00Z') };
});
ipc.ipcMain.handle('add', (_event, a, b) => a + b);
ipc.ipcMain.handle('fail', () => {
  throw new Error('this handler always fails');
});

const { ipcRenderer } = ipc.createRenderer({ url: 'app://example/index.html' });
ipcRenderer.on('hello-reply', (_event, text) => console.log('renderer got:', text));
ipcRenderer.send('hello', 'world');
console.log('sendSync settings:', ipcRenderer.sendSync('settings'));
console.log('invoke add(2, 3):', await ipcRenderer.invoke('add', 2, 3));
await ipcRenderer.invoke('fail').catch((error) => console.log('invoke fail:', error.message));
ipc.close();
