#!/usr/bin/env node
// CPU time and main's young collections in the timed window of `node-many-invoke` (1,000 clients,
// one invoke in flight each): `node bench/many/gc-window.mjs [ours] [raw-ws] [socketio] [--runs N]`
// (needs `npm run build`). Each run starts `many/<variant>.mjs server invoke` with --trace-gc-nvp
// and cpu-timeline.mjs; the client process reports its own CPU over the window. Per run: calls/s,
// p99, user and system µs per call in the client process and in main, and main's scavenges in the
// window (count, mean pause, KB survived and promoted per scavenge). Variants alternate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const variants = args.filter((arg, i) => !arg.startsWith('--') && i !== runsAt + 1);
if (variants.length === 0) variants.push('ours', 'raw-ws');
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-gc-window-'));

/** `name=value` fields of one --trace-gc-nvp line, and its time in ms since the isolate started. */
function nvp(line) {
  const fields = {};
  for (const [, name, value] of line.matchAll(/ ([a-z_.]+)=([0-9.]+)/g)) fields[name] = Number(value);
  return { at: Number(line.match(/\]\s+([0-9.]+) ms:/)?.[1]), fields };
}

function measure(variant) {
  const timeline = join(dir, `${variant}.json`);
  const stdout = execFileSync(
    process.execPath,
    ['--trace-gc-nvp', '--import', here('./cpu-timeline.mjs'), here(`./${variant}.mjs`), 'server', 'invoke'],
    { encoding: 'utf8', env: { ...process.env, IPC_ANYWHERE_CPU_TIMELINE: timeline }, maxBuffer: 1 << 28 },
  );
  const result = JSON.parse(
    stdout
      .split('\n')
      .find((line) => line.startsWith('@@bench '))
      .slice(8),
  );
  const { timeOrigin, samples } = JSON.parse(readFileSync(timeline, 'utf8'));
  const [start, end] = result.window;
  const nearest = (t) => samples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best));
  const [, user0, system0] = nearest(start);
  const [, user1, system1] = nearest(end);
  const scavenges = stdout
    .split('\n')
    .filter((line) => line.includes(' gc=s '))
    .map(nvp)
    .filter(({ at }) => timeOrigin + at >= start && timeOrigin + at <= end);
  const mean = (name) =>
    scavenges.reduce((sum, s) => sum + s.fields[name], 0) / Math.max(1, scavenges.length);
  return {
    callsPerSecond: Math.round(result.perSecond),
    p99Ms: Math.round(result.p99 / 1000),
    clientUser: +result.clientCpuPerCall.user.toFixed(1),
    clientSystem: +result.clientCpuPerCall.system.toFixed(1),
    mainUser: +((user1 - user0) / result.calls).toFixed(1),
    mainSystem: +((system1 - system0) / result.calls).toFixed(1),
    scavenges: scavenges.length,
    meanPauseMs: +mean('pause').toFixed(2),
    survivedKB: Math.round(mean('new_space_survived') / 1024),
    promotedKB: Math.round(mean('promoted') / 1024),
  };
}

try {
  for (let run = 1; run <= runs; run++) {
    for (const variant of run % 2 ? variants : [...variants].reverse()) {
      console.log(`${variant} #${run}`, JSON.stringify(measure(variant)));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
