#!/usr/bin/env node
// What a large upload does to everyone else: one Node client sends 100 MB to main while another makes
// small calls open loop (one due every 2 ms whatever is pending; latency counted from when it was due,
// so a stall in main shows in every call it holds up). ipc-anywhere (`invoke('finish')` after a `send`
// of the bytes, chunked with spans) against raw `ws` (the bytes as one binary frame, the JSON
// protocol of the suite's baselines), main in this process, each client in its own. Prints per variant
// the upload time and the other client's p50/p99/max during it, medians of `--reps` runs in alternating
// order. `node bench/node/large-upload.mjs [--reps 3] [--mb 100]` (needs `npm run build`).
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openRawWs, startIpcAnywhere, startRawWs } from '../suite/echo-servers.mjs';

const INTERVAL_MS = 2;
const MB = 1024 * 1024;
const [, , role, variant, url] = process.argv;

/** A client of `variant` with `call(name, ...args)` and `sendBytes(bytes)`. */
async function client(kind, at) {
  if (kind === 'ours') {
    const { createIpcRenderer } = await import('ipc-anywhere/renderer');
    const ipc = createIpcRenderer({ url: at });
    return {
      call: (name, ...args) => ipc.invoke(name, ...args),
      sendBytes: (bytes) => ipc.send('bin', bytes),
    };
  }
  const raw = await openRawWs(at);
  return { call: raw.call, sendBytes: (bytes) => raw.socket.send(bytes) };
}

if (role === 'big') {
  const { call, sendBytes } = await client(variant, url);
  await call('rt', 0, 'ready');
  process.send({ ready: true });
  process.once('message', async ({ bytes }) => {
    const data = new Uint8Array(bytes).fill(7);
    await call('begin');
    const started = performance.now();
    sendBytes(data);
    await call('finish', 1);
    process.send({ ms: performance.now() - started });
  });
} else if (role === 'small') {
  const { call } = await client(variant, url);
  await call('rt', 0, 'ready');
  process.send({ ready: true });
  let stopped = false;
  process.on('message', async (message) => {
    if (message === 'stop') {
      stopped = true;
      return;
    }
    const latencies = [];
    const calls = [];
    const start = performance.now();
    for (let n = 0; !stopped; n++) {
      const due = start + n * INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      calls.push(call('rt', n, 'x').then(() => latencies.push(performance.now() - due)));
    }
    await Promise.all(calls);
    process.send({ latencies });
  });
} else {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '3' }, mb: { type: 'string', default: '100' } },
  });
  const bytes = Number(values.mb) * MB;
  const reps = Number(values.reps);
  const results = { ours: [], raw: [] };
  const started = (child) => new Promise((resolve) => child.once('message', resolve));
  for (let rep = 0; rep < reps; rep++) {
    for (const name of rep % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours']) {
      const server =
        name === 'ours' ? await startIpcAnywhere({ limits: { maxPayload: bytes + MB } }) : await startRawWs();
      const script = new URL(import.meta.url).pathname;
      const big = fork(script, ['big', name, server.url]);
      const small = fork(script, ['small', name, server.url]);
      await Promise.all([started(big), started(small)]);
      small.send('go');
      await new Promise((resolve) => setTimeout(resolve, 200));
      big.send({ bytes });
      const { ms } = await started(big);
      small.send('stop');
      const { latencies } = await started(small);
      big.kill();
      small.kill();
      await server.close();
      latencies.sort((a, b) => a - b);
      const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
      results[name].push({ ms, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) });
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [name, runs] of Object.entries(results)) {
    const m = (key) => median(runs.map((run) => run[key]));
    console.log(
      `${name.padEnd(4)} ${values.mb} MB upload ${m('ms').toFixed(0)} ms; other client during it: p50 ${m('p50').toFixed(2)} ms, p99 ${m('p99').toFixed(1)} ms, max ${m('max').toFixed(0)} ms (medians of ${reps}; p99 per run: ${runs.map((run) => run.p99.toFixed(1)).join(', ')})`,
    );
  }
  process.exit(0);
}
