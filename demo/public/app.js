// Renderer code as it would be written for Electron (nodeIntegration style `require('electron')`).
const { ipcRenderer } = require('electron');

const $ = (id) => document.getElementById(id);
const escapeText = (text) => {
  const span = document.createElement('span');
  span.textContent = text;
  return span.innerHTML;
};

// The live traffic panel starts first, so it shows the start-up sendSync too.
window.ipcAnywhere.onTraffic((record) => {
  const row = document.createElement('tr');
  const cells = [
    record.direction === 'out' ? '→ main' : '← main',
    record.kind,
    record.channel,
    String(record.bytes),
    record.durationMs === undefined ? '' : `${record.durationMs.toFixed(2)} ms`,
  ];
  for (const text of cells) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  const body = document.querySelector('#traffic tbody');
  body.prepend(row);
  while (body.rows.length > 30) body.deleteRow(body.rows.length - 1);
});

// 1. sendSync: settings are needed before the page can draw, so it blocks (as Electron would).
function loadSettings() {
  const started = performance.now();
  const settings = ipcRenderer.sendSync('settings:get');
  const blockedMs = performance.now() - started;
  $('title').textContent = settings.boardTitle;
  $('sync-note').textContent =
    `Settings came from main with sendSync: this page was blocked for ${blockedMs.toFixed(1)} ms while reading them ` +
    `(main running since ${settings.startedAt.toLocaleTimeString()}).`;
  $('note-input').maxLength = settings.maxNoteLength;
}
loadSettings();

// 2. send, answered with event.sender.send (the whole board) and event.reply (the ack).
let latestNote;
const renderNote = (note) => {
  const item = document.createElement('li');
  item.dataset.noteId = String(note.id);
  item.innerHTML = `<strong>${escapeText(note.author)}</strong> <span class="muted">${note.at.toLocaleTimeString()}</span><br>${escapeText(note.text)}`;
  $('notes').prepend(item);
  latestNote = note;
  sendToWidget(note);
};
ipcRenderer.on('notes:all', (_event, notes) => {
  $('notes').replaceChildren();
  latestNote = undefined;
  for (const note of notes) renderNote(note);
  if (resyncing) {
    resyncing = false;
    showConnection('new-session', 'new session — state re-synced');
  }
});
ipcRenderer.on('note:ack', (_event, id) => {
  $('note-status').textContent = `Main stored your note #${id} (event.reply).`;
});
// 3. webContents.send from main to every tab.
ipcRenderer.on('note:added', (_event, note) => renderNote(note));

$('note-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('note-input').value.trim();
  if (!text) return;
  ipcRenderer.send('note:add', text);
  $('note-input').value = '';
});

// 4. invoke/handle, including the error path.
$('rename-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = $('rename-result');
  try {
    const name = await ipcRenderer.invoke('user:rename', $('rename-input').value);
    result.className = 'ok';
    result.textContent = `You are now "${name}".`;
  } catch (error) {
    result.className = 'error';
    result.textContent = error.message;
  }
});

// 5. sendTo: nudge another tab directly.
ipcRenderer.on('tabs:changed', (_event, tabs, myId) => {
  const list = $('tabs');
  list.replaceChildren();
  const others = tabs.filter((tab) => tab.id !== myId);
  if (others.length === 0)
    list.innerHTML = '<li class="muted">Open this page in another tab to see it here.</li>';
  for (const tab of others) {
    const item = document.createElement('li');
    item.textContent = `${tab.name} (#${tab.id}) `;
    const button = document.createElement('button');
    button.textContent = 'Nudge';
    button.className = 'nudge';
    button.dataset.tabId = String(tab.id);
    button.addEventListener('click', () =>
      ipcRenderer.sendTo(tab.id, 'nudge', $('rename-input').value || 'A tab'),
    );
    const connect = document.createElement('button');
    connect.textContent = 'Direct channel';
    connect.className = 'direct-open';
    connect.dataset.tabId = String(tab.id);
    connect.addEventListener('click', () => ipcRenderer.send('direct:open', tab.id));
    item.append(button, ' ', connect);
    list.append(item);
  }
});
ipcRenderer.on('nudge', (event, from) => {
  $('nudges').textContent =
    `${from} (tab #${event.senderId}) nudged you at ${new Date().toLocaleTimeString()}.`;
});

// 5b. MessagePorts: main hands this tab and another one the two ends of a channel; messages then go
// tab to tab over the port (Electron's MessageChannelMain pattern), until either side closes it.
let directPort;
function showDirect(text) {
  const item = document.createElement('li');
  item.textContent = text;
  $('direct-log').prepend(item);
}
ipcRenderer.on('direct:port', (event, { peerId, peerName }) => {
  directPort?.close();
  const [port] = event.ports;
  directPort = port;
  $('direct-peer').textContent = `Direct channel with ${peerName} (#${peerId})`;
  $('direct-form').hidden = false;
  port.onmessage = ({ data }) => showDirect(`${peerName}: ${data.text} (${data.at.toLocaleTimeString()})`);
  port.addEventListener('close', () => {
    if (directPort !== port) return;
    directPort = undefined;
    $('direct-peer').textContent = `The channel with ${peerName} closed.`;
    $('direct-form').hidden = true;
  });
});
$('direct-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('direct-input').value.trim();
  if (!text || !directPort) return;
  directPort.postMessage({ text, at: new Date() });
  showDirect(`me: ${text}`);
  $('direct-input').value = '';
});
$('direct-close').addEventListener('click', () => directPort?.close());

// 6. <webview>: the guest gets notes with webview.send and answers with sendToHost.
const widget = $('widget');
function sendToWidget(note) {
  widget.send('note', note).catch(() => {});
}
widget.addEventListener('ipc-message', (event) => {
  if (event.channel === 'ready' && latestNote) sendToWidget(latestNote);
  if (event.channel === 'reaction') {
    const [noteId, emoji] = event.args;
    $('widget-events').textContent = `The widget reacted ${emoji} to note #${noteId} (sendToHost).`;
  }
});

// 7. The connection: a dropped link reconnects by itself. Resumed, the session goes on and nothing was
// lost; a new session means main restarted (or waited too long), so what this page shows is fetched again.
let resyncing = false;
function showConnection(state, text, detail = '') {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = text;
  badge.title = detail;
}
const connectionText = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  resumed: 'resumed',
  'new-session': 'new session — re-syncing…',
  closed: 'disconnected',
};
const currentState = window.ipcAnywhere.connectionState();
showConnection(currentState, connectionText[currentState]);
window.ipcAnywhere.onConnectionState((event) => {
  showConnection(event.state, connectionText[event.state], event.error?.message);
  if (event.state === 'new-session') {
    resyncing = true;
    // After the listener returns: the connection finishes taking the new session first.
    setTimeout(() => {
      loadSettings();
      ipcRenderer.send('notes:load');
      // The widget's <webview> loads its guest page again by itself, under the new session.
    });
  }
});

ipcRenderer.send('notes:load');
