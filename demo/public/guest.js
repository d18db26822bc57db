// A <webview> guest: it talks to the element in its host page, not to main.
const { ipcRenderer } = window.electron;

let current;
ipcRenderer.on('note', (_event, note) => {
  current = note;
  document.getElementById('guest-note').textContent = `Latest: "${note.text}" by ${note.author}`;
  document.getElementById('react').disabled = false;
});
document.getElementById('react').addEventListener('click', () => {
  if (current) ipcRenderer.sendToHost('reaction', current.id, '★');
});
ipcRenderer.sendToHost('ready');
