// The demo's main process: a shared notes board. It is written like an Electron app's main.js, with
// ipc-anywhere's createServer standing in for BrowserWindow: every browser tab is a renderer.
import { fileURLToPath } from 'node:url';
import { createServer, ipcMain, MessageChannelMain, webContents } from 'ipc-anywhere/main';

const settings = { boardTitle: 'Team notes', maxNoteLength: 280, startedAt: new Date() };
const notes = [];
const names = new Map();
let nextNoteId = 1;

const nameOf = (contents) => names.get(contents.id) ?? `Tab ${contents.id}`;
const tabs = () => webContents.getAllWebContents().filter((contents) => contents.getType() === 'window');

function broadcastTabs() {
  const list = tabs().map((contents) => ({ id: contents.id, name: nameOf(contents) }));
  for (const contents of tabs()) contents.send('tabs:changed', list, contents.id);
}

// sendSync: the page reads its settings while it starts, blocking until this returns.
ipcMain.on('settings:get', (event) => {
  event.returnValue = settings;
});

// send + event.sender.send: the page asks for the board and gets it back.
ipcMain.on('notes:load', (event) => {
  event.sender.send('notes:all', notes);
  broadcastTabs();
});

// send + event.reply, then webContents.send to every tab.
ipcMain.on('note:add', (event, text) => {
  if (typeof text !== 'string' || text.trim() === '') return;
  const note = {
    id: nextNoteId++,
    text: text.slice(0, settings.maxNoteLength),
    author: nameOf(event.sender),
    at: new Date(),
  };
  notes.push(note);
  event.reply('note:ack', note.id);
  for (const contents of tabs()) contents.send('note:added', note);
});

// invoke/handle, with an error the page shows to the user.
ipcMain.handle('user:rename', (event, name) => {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > 20) throw new Error('A name must be 1 to 20 characters.');
  names.set(event.sender.id, trimmed);
  broadcastTabs();
  return trimmed;
});

// MessagePorts: two tabs get the two ends of one channel and talk directly (relayed by main's
// connections to them, never through a handler); it closes when either tab closes it or goes away.
ipcMain.on('direct:open', (event, peerId) => {
  const peer = webContents.fromId(peerId);
  if (!peer || peer === event.sender || peer.getType() !== 'window') return;
  const { port1, port2 } = new MessageChannelMain();
  event.sender.postMessage('direct:port', { peerId: peer.id, peerName: nameOf(peer) }, [port1]);
  peer.postMessage('direct:port', { peerId: event.sender.id, peerName: nameOf(event.sender) }, [port2]);
});

const port = Number(process.env.PORT ?? 3000);
const server = await createServer({
  host: '127.0.0.1',
  port,
  static: fileURLToPath(new URL('./public', import.meta.url)),
});
server.on('web-contents-created', (contents) => contents.once('destroyed', broadcastTabs));

console.log(`ipc-anywhere demo running at ${server.url}/ (open it in two tabs; Ctrl-C to stop)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the demo...');
    await server.close();
    process.exit(0);
  });
}
