// Measurement loops shared by every bench variant, in Node and in the Chromium pages (plain ES module:
// performance.now and promises only). Every loop is bounded in count and in time.

export const now = () => performance.now();

/** The small object of the object-payload scenarios (`send('m', smallObject(i))`). */
export const smallObject = (i) => ({ a: i, b: SMALL_TEXT });

/** Percentiles of `samplesMs` (milliseconds), reported in microseconds. */
export function summarize(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('no samples');
  const at = (q) => sorted[Math.min(n - 1, Math.floor(q * n))] * 1000;
  let sum = 0;
  for (const x of sorted) sum += x;
  return { n, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: (sum / n) * 1000 };
}

/**
 * Times sequential awaited calls of `call(i)`: a warm-up first, then up to `count` timed ones, for at
 * most `maxMs` (at least 10 are timed). Microseconds. The warm-up is `warmup` calls, at most `maxMs / 2`
 * long; with `warmupMs` it lasts that long instead, whatever the count (a p99 taken in a fresh process
 * while V8 is still optimizing its hot paths measures the JIT more than the call).
 */
export async function roundTrips(call, { count, warmup = 0, warmupMs, maxMs }) {
  const warmupEnd = now() + (warmupMs ?? maxMs / 2);
  for (let i = 0; (warmupMs !== undefined || i < warmup) && now() < warmupEnd; i++) await call(i);
  const samples = [];
  const deadline = now() + maxMs;
  for (let i = 0; i < count && (i < 10 || now() < deadline); i++) {
    const start = now();
    await call(i);
    samples.push(now() - start);
  }
  return summarize(samples);
}

/** {@link roundTrips} for a blocking `call(i)`. */
export function syncRoundTrips(call, { count, warmup = 0, warmupMs, maxMs }) {
  const warmupEnd = now() + (warmupMs ?? maxMs / 2);
  for (let i = 0; (warmupMs !== undefined || i < warmup) && now() < warmupEnd; i++) call(i);
  const samples = [];
  const deadline = now() + maxMs;
  for (let i = 0; i < count && (i < 10 || now() < deadline); i++) {
    const start = now();
    call(i);
    samples.push(now() - start);
  }
  return summarize(samples);
}

/**
 * One-way throughput: `begin()` (the receiver resets its count), then `send(i)` in bursts of `burst`
 * per task (`yieldTask()` between bursts) until `maxCount` messages or `maxMs` have gone by, then
 * `finish(sent)` resolves once the receiver has taken all of them. Messages per second, from the
 * first send to the receiver's acknowledgement. `backlogFull()`, when given, holds the sender back
 * while it returns true (so a slow path is measured at its rate, not by how much it can queue).
 */
export async function oneWay({ send, begin, finish, yieldTask, burst, maxCount, maxMs, backlogFull }) {
  await begin();
  const start = now();
  const stopAt = start + maxMs;
  let sent = 0;
  while (sent < maxCount && now() < stopAt) {
    const end = Math.min(maxCount, sent + burst);
    for (; sent < end; sent++) send(sent);
    await yieldTask();
    // A sender that can see its backlog (a page's WebSocket.bufferedAmount) waits for it to drain.
    while (backlogFull?.() && now() < stopAt) await yieldTask();
  }
  await finish(sent);
  const ms = now() - start;
  return { count: sent, ms, perSecond: sent / (ms / 1000) };
}

/** Runs `measure()` once to warm up, then `passes` times; the pass with the median `key`, plus all values. */
export async function medianOfPasses(passes, measure, key) {
  await measure(true);
  const results = [];
  for (let i = 0; i < passes; i++) results.push(await measure(false));
  const sorted = [...results].sort((a, b) => a[key] - b[key]);
  return { ...sorted[sorted.length >> 1], passes: results.map((r) => r[key]) };
}

/** The small message every one-way and round-trip scenario carries: (i, 'hello'). */
export const SMALL_TEXT = 'hello';
