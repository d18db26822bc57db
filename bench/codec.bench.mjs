#!/usr/bin/env node
// Round-trip throughput of the structured-clone codec against JSON, v8.serialize and (when installed)
// msgpackr's structuredClone mode.
//
//   node bench/codec.bench.mjs            full run (needs `npm run build` first: imports dist/)
//   node bench/codec.bench.mjs --quick    smoke pass: a few hundred iterations, checks nothing about speed
//   node bench/codec.bench.mjs --module path/to/index.js   benchmark another build of the codec
//
// A round trip is decode(encode(x)) / JSON.parse(JSON.stringify(x)) / ... . Every (payload, codec)
// pair is measured REPS times, interleaved, each for SLICE_MS (or MAX_ITER iterations, whichever comes
// first), in each of PROCESSES fresh processes run one after the other: V8 settles into a different
// optimisation and heap-sizing state in each process (the 1 MB round trip differs by up to 15% between
// processes, much less within one), so one process is one sample of that state. The table shows the
// median, min and max round trips per second over all slices and the ratio of medians to JSON.
// Results go to bench/results/codec.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import {
  binaryPayload,
  largePayload,
  mixedPayload,
  mixPayload,
  recordPagePayload,
  smallPayload,
} from './codec-payloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const moduleArg = args.indexOf('--module');
const modulePath =
  moduleArg >= 0 ? resolve(args[moduleArg + 1]) : resolve(here, '../dist/protocol/codec/index.js');

const child = args.includes('--child');
const PROCESSES = quick ? 1 : 5;
const REPS = quick ? 2 : 7;
const SLICE_MS = quick ? 20 : 250;
const MAX_ITER = quick ? 300 : 1_000_000;
const WARMUP_MS = quick ? 10 : 300;

const TARGETS = { small: 0.8, mixed: 15, large: 1.5 };
const loadBefore = os.loadavg()[0];

let codec;
try {
  codec = await import(pathToFileURL(modulePath).href);
} catch (error) {
  console.error(`Cannot import the codec from ${modulePath} (run \`npm run build\` first).`);
  console.error(String(error));
  process.exit(1);
}

let msgpackr = null;
try {
  const { Packr } = await import('msgpackr');
  msgpackr = new Packr({ structuredClone: true });
} catch {
  // optional comparison
}

/** How an app sends binary over JSON: base64 strings, tagged so that the receiver restores them. */
const jsonWithBase64 = {
  encode: (x) =>
    JSON.stringify(x, (_key, value) =>
      value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
    ),
  decode: (s) =>
    JSON.parse(s, (_key, value) =>
      value !== null && typeof value === 'object' && typeof value.$bytes === 'string'
        ? new Uint8Array(Buffer.from(value.$bytes, 'base64'))
        : value,
    ),
};

const impls = [
  { name: 'ipc-anywhere', encode: (x) => codec.encode(x), decode: (b) => codec.decode(b) },
  {
    name: 'JSON',
    encode: (x) => JSON.stringify(x),
    decode: (s) => JSON.parse(s),
    // Plain JSON would turn a Uint8Array into an object with a key per byte.
    binary: jsonWithBase64,
  },
  { name: 'v8.serialize', encode: (x) => v8.serialize(x), decode: (b) => v8.deserialize(b) },
];
if (msgpackr) {
  impls.push({ name: 'msgpackr (sC)', encode: (x) => msgpackr.pack(x), decode: (b) => msgpackr.unpack(b) });
}

/*
 * `binary`: carries a Uint8Array (JSON then goes through base64); `sequence`: a list of separate
 * messages, one round trip each (a unit of the realistic mix). No targets for the last three: they
 * show where the codec stands on the payloads apps send (issue 17).
 */
const payloads = [
  { name: 'small', value: smallPayload() },
  { name: 'mixed', value: mixedPayload() },
  { name: 'large', value: largePayload() },
  { name: 'page10k', value: recordPagePayload() },
  { name: 'file1m', value: binaryPayload(), binary: true },
  { name: 'mix', value: mixPayload(), binary: true, sequence: true },
];

/** `impl`'s encode and decode for payload `p`. */
const codecFor = (impl, p) => (p.binary && impl.binary ? impl.binary : impl);

let sink = 0;

/** Round trips per second over one time slice (bounded by time and by iteration count). */
function measure(impl, p, sliceMs, maxIter) {
  const { encode, decode } = codecFor(impl, p);
  const messages = p.sequence ? p.value : [p.value];
  let n = 0;
  let batch = 1;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < sliceMs && n < maxIter) {
    const todo = Math.min(batch, maxIter - n);
    for (let i = 0; i < todo; i++) {
      for (const message of messages) {
        const out = decode(encode(message));
        if (out === undefined) sink++;
      }
    }
    n += todo;
    elapsed = performance.now() - t0;
    if (elapsed < sliceMs / 20) batch *= 2;
  }
  return (n * 1000) / elapsed;
}

function size(impl, p) {
  const { encode } = codecFor(impl, p);
  let bytes = 0;
  for (const message of p.sequence ? p.value : [p.value]) {
    const e = encode(message);
    bytes += typeof e === 'string' ? Buffer.byteLength(e) : e.byteLength;
  }
  return bytes;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

/** One process's slices: samples[payload][codec] = round trips per second of each slice. */
function measureAll() {
  // Sanity: our codec must round-trip every payload.
  for (const p of payloads) codec.decode(codec.encode(p.value)); // (a sequence as one list)
  const all = {};
  for (const p of payloads) {
    for (const impl of impls) measure(impl, p, WARMUP_MS, MAX_ITER);
    const samples = Object.fromEntries(impls.map((i) => [i.name, []]));
    for (let rep = 0; rep < REPS; rep++) {
      // Interleave codecs; rotate the order each repetition so none always runs first.
      for (let k = 0; k < impls.length; k++) {
        const impl = impls[(k + rep) % impls.length];
        samples[impl.name].push(measure(impl, p, SLICE_MS, MAX_ITER));
      }
    }
    all[p.name] = samples;
  }
  return all;
}

if (child) {
  process.stdout.write(JSON.stringify(measureAll()));
  if (sink < 0) console.error(sink); // keeps results observable
  process.exit(0);
}

/** samples[payload][codec]: the slices of every process. */
const perProcess = [];
for (let i = 0; i < PROCESSES; i++) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  perProcess.push(JSON.parse(out));
}

const results = {};
for (const p of payloads) {
  const samples = Object.fromEntries(
    impls.map((impl) => [impl.name, perProcess.flatMap((run) => run[p.name][impl.name])]),
  );
  const jsonMedian = median(samples.JSON);
  results[p.name] = Object.fromEntries(
    impls.map((impl) => {
      const s = samples[impl.name];
      const med = median(s);
      return [
        impl.name,
        {
          bytes: size(impl, p),
          median: med,
          min: Math.min(...s),
          max: Math.max(...s),
          ratioToJson: med / jsonMedian,
          samples: s,
        },
      ];
    }),
  );
}

const rows = [['payload', 'codec', 'bytes', 'median rt/s', 'min', 'max', 'vs JSON']];
for (const p of payloads) {
  for (const impl of impls) {
    const r = results[p.name][impl.name];
    rows.push([
      p.name,
      impl.name,
      String(r.bytes),
      fmt(r.median),
      fmt(r.min),
      fmt(r.max),
      `${r.ratioToJson.toFixed(2)}x`,
    ]);
  }
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

console.log('');
const verdicts = {};
for (const p of payloads) {
  const ratio = results[p.name]['ipc-anywhere'].ratioToJson;
  if (TARGETS[p.name] === undefined) {
    console.log(`${p.name.padEnd(7)} ${ratio.toFixed(2)}x JSON (no target)`);
    continue;
  }
  const ok = ratio >= TARGETS[p.name];
  const perProcessRatios = perProcess.map(
    (run) => median(run[p.name]['ipc-anywhere']) / median(run[p.name].JSON),
  );
  verdicts[p.name] = { target: TARGETS[p.name], ratio, ok, perProcessRatios };
  console.log(
    `${p.name.padEnd(7)} ${ratio.toFixed(2)}x JSON (target >= ${TARGETS[p.name]}x; ` +
      `per process: ${perProcessRatios.map((r) => r.toFixed(2)).join(', ')})` +
      (quick ? '  [quick run: not checked]' : ok ? '  OK' : '  BELOW TARGET'),
  );
}

const out = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: os.cpus().length,
  // Other processes skew the numbers (the ratios less, since codecs are interleaved).
  loadAverage: { before: loadBefore, after: os.loadavg()[0] },
  quick,
  processes: PROCESSES,
  repetitions: REPS,
  sliceMs: SLICE_MS,
  codecs: impls.map((i) => i.name),
  targets: verdicts,
  results,
};
// A quick (smoke) run must not overwrite the real results.
const file = resolve(here, quick ? 'results/codec.quick.json.tmp' : 'results/codec.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${file}`);
