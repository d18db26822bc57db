// Timing loops shared by the bench workers (and the synckit run in main).
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** Times `n` calls of a blocking `call(i)` one by one, after a warm-up; microseconds. */
export function timeSync(n, call) {
  for (let i = 0; i < Math.min(n, 5000); i++) call(i);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    call(i);
    samples[i] = (performance.now() - t) * 1000;
  }
  return summarize(samples);
}

/** Times `n` sequential awaited calls of `call(i)`; microseconds. */
export async function timeAsync(n, call) {
  for (let i = 0; i < Math.min(n, 5000); i++) await call(i);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    samples[i] = (performance.now() - t) * 1000;
  }
  return summarize(samples);
}

/** Sends `n` messages in bursts of `burst` per macrotask (main times their arrival). */
export async function oneWay(n, burst, send) {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + burst);
    for (; i < end; i++) send(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { sent: n };
}
