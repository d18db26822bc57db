/**
 * Upper bounds (ms) of the inspector's latency buckets: roughly 1-2-5 steps, so that loopback calls
 * (tenths of a millisecond) and slow handlers (seconds) both land in buckets that tell them apart.
 * The last bucket takes everything above 5 s.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
];

/** What the inspector page gets of one histogram. */
export interface LatencySummary {
  /** One count per bucket of {@link LATENCY_BOUNDS_MS}, then one for everything slower. */
  readonly buckets: readonly number[];
  readonly count: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** Upper bounds of the buckets where the 50th and 99th percentiles fall (`Infinity` as `null`). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** Latencies of one channel's invokes or sendSyncs: fixed memory, whatever the number of calls. */
export class LatencyHistogram {
  readonly #buckets = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  #count = 0;
  #sum = 0;
  #max = 0;

  add(ms: number): void {
    let index = 0;
    while (index < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[index]!) index++;
    this.#buckets[index]! += 1;
    this.#count += 1;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
  }

  summary(): LatencySummary {
    return {
      buckets: [...this.#buckets],
      count: this.#count,
      meanMs: this.#count === 0 ? 0 : this.#sum / this.#count,
      maxMs: this.#max,
      p50Ms: this.#percentile(0.5),
      p99Ms: this.#percentile(0.99),
    };
  }

  #percentile(fraction: number): number | null {
    if (this.#count === 0) return 0;
    const rank = Math.ceil(fraction * this.#count);
    let seen = 0;
    for (let index = 0; index < this.#buckets.length; index++) {
      seen += this.#buckets[index]!;
      if (seen >= rank) return LATENCY_BOUNDS_MS[index] ?? null;
    }
    return null;
  }
}
