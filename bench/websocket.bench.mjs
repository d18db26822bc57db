#!/usr/bin/env node
// The WebSocket transport against raw `ws` in the same run, from a Node client and from a headless
// Chromium page (Debian's /usr/bin/chromium):
//   - one-way: N `send`s in a burst (the library coalesces a task's messages into one frame) vs N raw
//     frames of one message each; messages/s measured by the sender until main has counted all of them;
//   - round trip: sequential `invoke`s vs a raw request/echo; mean and median µs;
//   - sendSync from the page (synchronous XHR), mean and median µs.
//
//   node bench/websocket.bench.mjs          (needs `npm run build` first: imports dist/)
//   node bench/websocket.bench.mjs --quick  smoke pass with small counts
// Results go to bench/results/websocket.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ONE_WAY = quick ? 2_000 : 100_000;
const ROUND_TRIPS = quick ? 200 : 3_000;
const SYNC_CALLS = quick ? 100 : 1_000;

const { createMain, createServer } = await import(resolve(here, '../dist/main.js'));
const { createIpcRenderer, disconnect } = await import(resolve(here, '../dist/renderer.node.js'));

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { meanUs: Math.round(mean * 1000), medianUs: Math.round(sorted[sorted.length >> 1] * 1000) };
};

// Main: counts one-way messages and answers invokes and sendSyncs.
const main = createMain({ logger: { warn() {}, error: console.error } });
let counted = 0;
let countTarget = 0;
let countDone = () => {};
main.ipcMain.on('m', () => {
  if (++counted === countTarget) countDone();
});
main.ipcMain.handle('rt', (_event, i) => i);
main.ipcMain.on('sync', (event, i) => {
  event.returnValue = i;
});
main.ipcMain.handle('expect', (_event, n) => {
  counted = 0;
  countTarget = n;
  return true;
});
main.ipcMain.handle('counted', () => new Promise((resolve) => (countDone = resolve)).then(() => counted));
const server = await createServer({ main, static: resolve(here, '../test/transports/websocket/fixtures') });

// Raw ws baseline: counts frames, echoes frames that start with 1.
const raw = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((resolve) => raw.once('listening', resolve));
const rawUrl = `ws://127.0.0.1:${raw.address().port}`;
raw.on('connection', (socket) => {
  let n = 0;
  let target = 0;
  socket.on('message', (data) => {
    if (data[0] === 1) socket.send(data);
    else if (data[0] === 2) {
      n = 0;
      target = data.readUInt32LE(1);
    } else if (++n === target) socket.send(Buffer.from([3]));
  });
});

const results = {};

// ---- Node client ----
{
  const ipc = createIpcRenderer({ url: server.url });
  await ipc.invoke('rt', 0);
  await ipc.invoke('expect', ONE_WAY);
  const done = ipc.invoke('counted');
  let start = performance.now();
  for (let i = 0; i < ONE_WAY; i++) ipc.send('m', i);
  await done;
  const oneWay = ONE_WAY / ((performance.now() - start) / 1000);
  const socket = new WebSocket(rawUrl, { perMessageDeflate: false });
  await new Promise((resolve) => socket.once('open', resolve));
  // Round trips interleaved with raw echoes, so both see the same machine state.
  const samples = [];
  const rawSamples = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    start = performance.now();
    await ipc.invoke('rt', i);
    samples.push(performance.now() - start);
    start = performance.now();
    socket.send(Buffer.from([1, i & 255]));
    await new Promise((resolve) => socket.once('message', resolve));
    rawSamples.push(performance.now() - start);
  }
  disconnect(ipc);

  const header = Buffer.alloc(5);
  header[0] = 2;
  header.writeUInt32LE(ONE_WAY, 1);
  socket.send(header);
  const rawDone = new Promise((resolve) => socket.once('message', resolve));
  start = performance.now();
  for (let i = 0; i < ONE_WAY; i++) socket.send(Buffer.from([0, i & 255]));
  await rawDone;
  const rawOneWay = ONE_WAY / ((performance.now() - start) / 1000);
  socket.close();
  results.node = {
    oneWayPerSecond: Math.round(oneWay),
    rawWsOneWayPerSecond: Math.round(rawOneWay),
    invoke: stats(samples),
    rawWsRoundTrip: stats(rawSamples),
  };
}

// ---- Chromium page ----
{
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  await page.goto(`${server.url}/page.html`);
  results.chromium = await page.evaluate(
    async ({ ONE_WAY, ROUND_TRIPS, SYNC_CALLS, rawUrl }) => {
      const stats = (samples) => {
        const sorted = [...samples].sort((a, b) => a - b);
        const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
        return { meanUs: Math.round(mean * 1000), medianUs: Math.round(sorted[sorted.length >> 1] * 1000) };
      };
      const ipc = window.ipcRenderer;
      await ipc.invoke('rt', 0);
      await ipc.invoke('expect', ONE_WAY);
      const done = ipc.invoke('counted');
      let start = performance.now();
      for (let i = 0; i < ONE_WAY; i++) ipc.send('m', i);
      await done;
      const oneWay = ONE_WAY / ((performance.now() - start) / 1000);
      const socket = new WebSocket(rawUrl);
      socket.binaryType = 'arraybuffer';
      await new Promise((resolve) => (socket.onopen = resolve));
      // Round trips interleaved with raw echoes, so both see the same machine state.
      const samples = [];
      const rawSamples = [];
      for (let i = 0; i < ROUND_TRIPS; i++) {
        start = performance.now();
        await ipc.invoke('rt', i);
        samples.push(performance.now() - start);
        start = performance.now();
        const echoed = new Promise((resolve) => (socket.onmessage = resolve));
        socket.send(new Uint8Array([1, i & 255]));
        await echoed;
        rawSamples.push(performance.now() - start);
      }
      const syncSamples = [];
      for (let i = 0; i < SYNC_CALLS; i++) {
        start = performance.now();
        ipc.sendSync('sync', i);
        syncSamples.push(performance.now() - start);
      }

      const header = new Uint8Array(5);
      header[0] = 2;
      new DataView(header.buffer).setUint32(1, ONE_WAY, true);
      socket.send(header);
      const rawDone = new Promise((resolve) => (socket.onmessage = resolve));
      start = performance.now();
      for (let i = 0; i < ONE_WAY; i++) socket.send(new Uint8Array([0, i & 255]));
      await rawDone;
      const rawOneWay = ONE_WAY / ((performance.now() - start) / 1000);
      socket.close();
      return {
        oneWayPerSecond: Math.round(oneWay),
        rawWsOneWayPerSecond: Math.round(rawOneWay),
        invoke: stats(samples),
        rawWsRoundTrip: stats(rawSamples),
        sendSync: stats(syncSamples),
      };
    },
    { ONE_WAY, ROUND_TRIPS, SYNC_CALLS, rawUrl },
  );
  await browser.close();
}

await server.close();
raw.close();
console.table(
  Object.fromEntries(
    Object.entries(results).map(([client, r]) => [
      client,
      {
        'send/s': r.oneWayPerSecond,
        'raw ws frames/s': r.rawWsOneWayPerSecond,
        'invoke µs (mean/median)': `${r.invoke.meanUs}/${r.invoke.medianUs}`,
        'raw ws rtt µs (mean/median)': `${r.rawWsRoundTrip.meanUs}/${r.rawWsRoundTrip.medianUs}`,
        'sendSync µs (mean/median)': r.sendSync ? `${r.sendSync.meanUs}/${r.sendSync.medianUs}` : '-',
      },
    ]),
  ),
);
if (!quick) {
  mkdirSync(resolve(here, 'results'), { recursive: true });
  writeFileSync(
    resolve(here, 'results/websocket.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, counts: { ONE_WAY, ROUND_TRIPS, SYNC_CALLS }, results }, null, 2)}\n`,
  );
}
