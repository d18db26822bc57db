#!/usr/bin/env node
// Where the `invoke` p99 goes: 20,000 sequential round trips from a Node client, ipc-anywhere against
// the raw `ws` baseline, each in fresh processes, with the garbage collector watched on both sides
// (PerformanceObserver 'gc'). Prints p50/p99, collections per 1,000 calls and their mean pause on
// each side, and how many of the slowest 1% of calls overlapped a collection in either process.
// `node bench/node/gc-tail.mjs` (needs `npm run build`).
import { fork } from 'node:child_process';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { openRawWs, startIpcAnywhere, startRawWs } from '../suite/echo-servers.mjs';

const CALLS = 20_000;
/** perf_hooks' NODE_PERFORMANCE_GC_* kinds. */
const GC_KINDS = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' };
const WARMUP = 2_000;
const [, , role, variant, url] = process.argv;

/** Collections seen in this process: [start, end] in the shared time origin (performance.timeOrigin). */
function watchGc() {
  const pauses = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const start = performance.timeOrigin + entry.startTime;
      pauses.push([start, start + entry.duration, entry.detail?.kind ?? 0]);
    }
  }).observe({ entryTypes: ['gc'] });
  return pauses;
}

if (role === 'client') {
  const gc = watchGc();
  let call;
  if (variant === 'ours') {
    const { createIpcRenderer } = await import('ipc-anywhere/renderer');
    const ipc = createIpcRenderer({ url });
    call = (i) => ipc.invoke('rt', i, 'hello');
  } else {
    const { call: rawCall } = await openRawWs(url);
    call = (i) => rawCall('rt', i, 'hello');
  }
  const calls = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const start = performance.timeOrigin + performance.now();
    await call(i);
    if (i >= WARMUP) calls.push([start, performance.timeOrigin + performance.now()]);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.send({ calls, gc: gc.filter(([start]) => start >= calls[0][0]) });
} else {
  for (const name of ['ours', 'raw']) {
    const gc = watchGc();
    const server = name === 'ours' ? await startIpcAnywhere() : await startRawWs();
    const child = fork(new URL(import.meta.url).pathname, ['client', name, server.url]);
    const { calls, gc: clientGc } = await new Promise((resolve) => child.once('message', resolve));
    child.kill();
    await server.close();
    const serverGc = gc.splice(0).filter(([start]) => start >= calls[0][0]);
    const durations = calls.map(([start, end]) => end - start).sort((a, b) => a - b);
    const at = (q) => durations[Math.floor(q * (durations.length - 1))] * 1000;
    const threshold = durations[Math.floor(0.99 * (durations.length - 1))];
    const slow = calls.filter(([start, end]) => end - start >= threshold);
    const overlaps =
      (pauses) =>
      ([start, end]) =>
        pauses.some(([from, to]) => from < end && to > start);
    const withGc = slow.filter((c) => overlaps(clientGc)(c) || overlaps(serverGc)(c)).length;
    const describe = (pauses) => {
      const total = pauses.reduce((sum, [from, to]) => sum + (to - from), 0);
      const kinds = {};
      for (const [, , kind] of pauses)
        kinds[GC_KINDS[kind] ?? kind] = (kinds[GC_KINDS[kind] ?? kind] ?? 0) + 1;
      return `${((pauses.length * 1000) / CALLS).toFixed(1)} per 1,000 calls (${Object.entries(kinds)
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ')}), mean ${((total / Math.max(1, pauses.length)) * 1000).toFixed(0)} µs`;
    };
    console.log(
      `${name.padEnd(4)} p50 ${at(0.5).toFixed(0)} µs, p99 ${at(0.99).toFixed(0)} µs; collections: client ${describe(clientGc)}, main ${describe(serverGc)}; slowest 1%: ${withGc} of ${slow.length} overlap a collection`,
    );
  }
  process.exit(0);
}
