/*
 * A healthy renderer in its own process (the library's Node client, from dist/), measuring round trips
 * to main while an attack runs. Its own process so that the attacker's work in the test process (building
 * and writing hundreds of MB) does not delay its timers and blur what main did. argv[2] is main's url.
 *
 * Over the fork IPC channel: `{ type: 'ready' }` once connected; `{ cmd: 'start', intervalMs }` starts a
 * steady stream of `invoke('echo', n)`, one every intervalMs (the next starts when the last answered, so
 * a stalled main shows as one long round trip); `{ cmd: 'stop' }` answers with the samples (ms), an
 * invoke still pending counting with the time it has waited.
 */
import { createIpcRenderer } from '../../dist/renderer.node.js';

const renderer = createIpcRenderer({ url: process.argv[2] });
let run = 0;
let samples = [];
let failures = [];
let pendingSince;
let wake;

async function sample(runId, intervalMs) {
  for (let n = 0; run === runId; n++) {
    const started = performance.now();
    pendingSince = started;
    try {
      const answer = await renderer.invoke('echo', n);
      if (answer !== n) failures.push(`echo ${n} answered ${String(answer)}`);
    } catch (error) {
      if (run !== runId) return;
      failures.push(`echo ${n} rejected: ${String(error)}`);
      pendingSince = undefined;
      return;
    }
    if (run !== runId) return;
    pendingSince = undefined;
    samples.push(performance.now() - started);
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) {
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, wait);
      });
    }
  }
}

process.on('message', (request) => {
  if (request.cmd === 'start') {
    run++;
    samples = [];
    failures = [];
    pendingSince = undefined;
    void sample(run, request.intervalMs);
    process.send({ id: request.id });
  } else if (request.cmd === 'stop') {
    run++;
    wake?.();
    const all = pendingSince === undefined ? samples : [...samples, performance.now() - pendingSince];
    pendingSince = undefined;
    process.send({ id: request.id, samples: all, failures });
  }
});

renderer.invoke('echo', 'ready').then(
  () => process.send({ type: 'ready' }),
  (error) => {
    console.error(`healthy renderer could not reach main: ${error}`);
    process.exit(1);
  },
);
