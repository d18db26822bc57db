import { syncRoundTrips } from '../../suite/drive.mjs';
import { run } from './page.mjs';
const o = { count: 1500, warmup: 300, maxMs: 1500 };
const ipc = window.ipcRenderer;
function x(body, { bin = false, headers = false, mime = false } = {}) {
  const r = new XMLHttpRequest(); r.open('POST', bin ? '/echo?bin' : '/echo', false);
  if (headers) { r.setRequestHeader('content-type', 'application/octet-stream'); r.setRequestHeader('x-ipc-anywhere-key', 'a'.repeat(43)); r.setRequestHeader('x-ipc-anywhere-timeout', '30000'); }
  if (mime) r.overrideMimeType('text/plain; charset=x-user-defined');
  r.send(body); return r.responseText;
}
const bytes = new Uint8Array(24).fill(65);
run(async () => {
  await ipc.invoke('rt', 0, 'x');
  const out = {};
  for (let round = 0; round < 2; round++) {
    out['str' + round] = syncRoundTrips((i) => x(JSON.stringify([i, 'hello'])), o).p50;
    out['bytes' + round] = syncRoundTrips(() => x(bytes, { bin: true }), o).p50;
    out['bytes+hdr' + round] = syncRoundTrips(() => x(bytes, { bin: true, headers: true }), o).p50;
    out['bytes+hdr+mime' + round] = syncRoundTrips(() => x(bytes, { bin: true, headers: true, mime: true }), o).p50;
    out['ours' + round] = syncRoundTrips((i) => ipc.sendSync('sync', i, 'hello'), o).p50;
  }
  return out;
});
