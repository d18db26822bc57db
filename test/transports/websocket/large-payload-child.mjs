/*
 * A Node renderer in its own process (the library's client, from dist/), for the large-payload test:
 * its work (building, hashing, decoding 100 MB) must not run on main's event loop, which is what the
 * test measures. argv[2] is main's url. Over the fork IPC channel:
 * - `{ cmd: 'transfer', bytes, channel }`: invokes `channel` ('echo': the value back; 'size': its byte
 *   length) with a Uint8Array of `bytes` and `onProgress`; answers with the time, whether the answer
 *   is right (byte-identical, or the size), and what the progress listener saw per phase;
 * - `{ cmd: 'sample', intervalMs, durationMs }`: small invokes ('echo', n), open loop: one due every
 *   intervalMs whatever is still pending, for durationMs or until `{ cmd: 'stop' }`; answers with each
 *   call's latency from the moment it was due (ms), so a stall in main shows in every call it holds.
 */
import { createHash } from 'node:crypto';
import { createIpcRenderer } from '../../../dist/renderer.node.js';

const renderer = createIpcRenderer({ url: process.argv[2], limits: { maxPayload: 128 * 1024 * 1024 } });

function pattern(bytes) {
  const data = new Uint8Array(bytes);
  let x = 2463534242;
  for (let i = 0; i < bytes; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 255;
    data[i + 1] = (x >>> 8) & 255;
    data[i + 2] = (x >>> 16) & 255;
    data[i + 3] = (x >>> 24) & 255;
  }
  return data;
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function transfer(bytes, channel) {
  const data = pattern(bytes);
  const sent = sha(data);
  const phases = { upload: [], download: [] };
  const wrong = [];
  const onProgress = (progress) => {
    const seen = phases[progress.phase];
    if (!seen) return wrong.push(`unknown phase ${progress.phase}`);
    const last = seen.at(-1);
    if (last && (progress.bytes < last.bytes || progress.total !== last.total)) {
      wrong.push(`${progress.phase}: ${progress.bytes}/${progress.total} after ${last.bytes}/${last.total}`);
    }
    seen.push({ bytes: progress.bytes, total: progress.total, at: performance.now() });
  };
  const started = performance.now();
  const answer = await renderer.withOptions({ onProgress }).invoke(channel, data);
  const ms = performance.now() - started;
  const summary = (seen) => ({
    calls: seen.length,
    last: seen.at(-1) ? { bytes: seen.at(-1).bytes, total: seen.at(-1).total } : undefined,
  });
  return {
    ms,
    right:
      channel === 'size'
        ? answer === bytes
        : answer instanceof Uint8Array && answer.byteLength === bytes && sha(answer) === sent,
    upload: summary(phases.upload),
    download: summary(phases.download),
    wrong,
  };
}

let stopSampling = () => {};

async function sample(intervalMs, durationMs) {
  const latencies = [];
  const calls = [];
  const start = performance.now();
  let stopped = false;
  stopSampling = () => {
    stopped = true;
  };
  for (let n = 0; !stopped && n * intervalMs < durationMs; n++) {
    const due = start + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      renderer.invoke('echo', n).then((answer) => {
        if (answer !== n) throw new Error(`echo ${n} answered ${answer}`);
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(calls);
  return latencies;
}

process.on('message', async (request) => {
  try {
    if (request.cmd === 'transfer') {
      process.send({ id: request.id, ...(await transfer(request.bytes, request.channel)) });
    } else if (request.cmd === 'stop') {
      stopSampling();
      process.send({ id: request.id });
    } else if (request.cmd === 'sample') {
      process.send({ id: request.id, latencies: await sample(request.intervalMs, request.durationMs) });
    }
  } catch (error) {
    process.send({ id: request.id, error: String(error?.stack ?? error) });
  }
});

renderer.invoke('echo', 'ready').then(
  () => process.send({ type: 'ready' }),
  (error) => {
    console.error(`renderer could not reach main: ${error}`);
    process.exit(1);
  },
);
