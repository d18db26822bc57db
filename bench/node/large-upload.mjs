#!/usr/bin/env node
// What a large upload does to everyone else: one Node client sends 100 MB to main while another makes
// small calls open loop (one due every 2 ms whatever is pending; latency counted from when it was due,
// so a stall in main shows in every call it holds up). Main runs in this process, each client in its
// own. Three ways to upload, in alternating order, `--reps` runs each:
// - ours: ipc-anywhere, `send` of the bytes (chunked, with spans) then `invoke('finish')`;
// - raw: raw `ws`, the bytes as one binary frame (the suite's JSON protocol for the calls);
// - raw-chunked: raw `ws` chunked by hand as an application would, 512 KiB frames that main copies
//   into one buffer of the upload's size: the same work of moving 100 MB into main's memory, without
//   a protocol around it. The floor ours is measured against.
// Prints per variant the upload time and the other client's p50/p99/max during it, with its p99 in
// the 200 ms before the upload (idle), medians over the runs.
// `node bench/node/large-upload.mjs [--reps 3] [--mb 100]` (needs `npm run build`).
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openRawWs, startIpcAnywhere, startRawWs } from '../suite/echo-servers.mjs';

const INTERVAL_MS = 2;
const MB = 1024 * 1024;
const HAND_CHUNK_BYTES = 512 * 1024;
const VARIANTS = ['ours', 'raw', 'raw-chunked'];
const [, , role, variant, url] = process.argv;

/** A client of `variant` with `call(name, ...args)` and `upload(bytes)` (resolves once main has it). */
async function client(kind, at) {
  if (kind === 'ours') {
    const { createIpcRenderer } = await import('ipc-anywhere/renderer');
    const ipc = createIpcRenderer({ url: at });
    const call = (name, ...args) => ipc.invoke(name, ...args);
    return {
      call,
      upload: (bytes) => {
        ipc.send('bin', bytes);
        return call('finish', 1);
      },
    };
  }
  const raw = await openRawWs(at);
  return {
    call: raw.call,
    upload: (bytes) => {
      if (kind === 'raw') {
        raw.socket.send(bytes);
        return raw.call('finish', 1);
      }
      let frames = 0;
      for (let from = 0; from < bytes.byteLength; from += HAND_CHUNK_BYTES, frames++)
        raw.socket.send(bytes.subarray(from, from + HAND_CHUNK_BYTES));
      return raw.call('finish', frames);
    },
  };
}

/** Main's side of raw-chunked: each binary frame copied into place in a buffer of `total` bytes. */
function handAssembler(total) {
  let target;
  let filled = 0;
  return (data) => {
    target ??= new Uint8Array(total);
    target.set(data, filled);
    filled += data.byteLength;
    if (filled === total) {
      globalThis.lastUpload = target; // kept, as an application would keep what it received
      target = undefined;
      filled = 0;
    }
  };
}

function startServer(name, bytes) {
  if (name === 'ours') return startIpcAnywhere({ limits: { maxPayload: bytes + MB } });
  return startRawWs(name === 'raw-chunked' ? { onBinary: handAssembler(bytes) } : {});
}

if (role === 'big') {
  const { call, upload } = await client(variant, url);
  await call('rt', 0, 'ready');
  process.send({ ready: true });
  process.once('message', async ({ bytes }) => {
    const data = new Uint8Array(bytes).fill(7);
    await call('begin');
    const started = performance.now();
    process.send({ started: performance.timeOrigin + started });
    await upload(data);
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
    const samples = []; // [when due (ms since the epoch), latency (ms)]
    const calls = [];
    const start = performance.now();
    for (let n = 0; !stopped; n++) {
      const due = start + n * INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      calls.push(
        call('rt', n, 'x').then(() => samples.push([performance.timeOrigin + due, performance.now() - due])),
      );
    }
    await Promise.all(calls);
    process.send({ samples });
  });
} else {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '3' }, mb: { type: 'string', default: '100' } },
  });
  const bytes = Number(values.mb) * MB;
  const reps = Number(values.reps);
  const results = Object.fromEntries(VARIANTS.map((name) => [name, []]));
  const next = (child) => new Promise((resolve) => child.once('message', resolve));
  const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  for (let rep = 0; rep < reps; rep++) {
    for (const name of rep % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
      const server = await startServer(name, bytes);
      const script = new URL(import.meta.url).pathname;
      const big = fork(script, ['big', name, server.url]);
      const small = fork(script, ['small', name, server.url]);
      await Promise.all([next(big), next(small)]);
      small.send('go');
      await new Promise((resolve) => setTimeout(resolve, 200));
      big.send({ bytes });
      const { started } = await next(big);
      const { ms } = await next(big);
      small.send('stop');
      const { samples } = await next(small);
      big.kill();
      small.kill();
      await server.close();
      const ended = started + ms;
      const latencies = (keep) =>
        samples
          .filter(([due]) => keep(due))
          .map(([, latency]) => latency)
          .sort((a, b) => a - b);
      const idle = latencies((due) => due < started);
      const during = latencies((due) => due >= started && due <= ended);
      results[name].push({
        ms,
        idleP99: quantile(idle, 0.99),
        p50: quantile(during, 0.5),
        p99: quantile(during, 0.99),
        max: during.at(-1),
      });
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [name, runs] of Object.entries(results)) {
    const m = (key) => median(runs.map((run) => run[key]));
    console.log(
      `${name.padEnd(11)} ${values.mb} MB upload ${m('ms').toFixed(0)} ms; other client idle p99 ${m('idleP99').toFixed(1)} ms, during it p50 ${m('p50').toFixed(2)} ms, p99 ${m('p99').toFixed(1)} ms, max ${m('max').toFixed(0)} ms (medians of ${reps}; p99 per run: ${runs.map((run) => run.p99.toFixed(1)).join(', ')})`,
    );
  }
  const ratios = results.ours.map((run, i) => run.p99 / results['raw-chunked'][i].p99);
  console.log(
    `ours / raw-chunked p99, per run: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`,
  );
  process.exit(0);
}
