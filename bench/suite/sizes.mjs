// How much each scenario measures, for the full run and for the `--quick` smoke pass (which checks that
// everything still runs, nothing about speed). Plain ES module: the Chromium pages import it too.

const FULL = {
  /** One-way small messages: bursts of `burst` per task; stop at `maxCount` or `maxMs`. */
  oneWay: { burst: 100, maxCount: 2_000_000, maxMs: 600, passes: 3 },
  /**
   * Sequential small round trips (invoke, sendSync): 2.5 s of warm-up. V8 was still optimizing the
   * paths of a fresh client and main for the first 2-3 s, and the p99 of a window taken earlier
   * (after 3,000 calls, ~0.6 s) measured that, for every variant.
   */
  roundTrip: { count: 20_000, warmupMs: 2_500, maxMs: 1_500 },
  /** Round trips of a page (slower to start, fewer samples), warmed up as long as `roundTrip`. */
  pageRoundTrip: { count: 5_000, warmupMs: 2_500, maxMs: 1_500 },
  /** 1 MiB Uint8Array messages, one-way. */
  binary: { burst: 1, maxCount: 600, maxMs: 600, passes: 3, bytes: 1 << 20 },
  /** ~1 MB plain object invoked and returned. */
  bigObject: { count: 40, warmup: 8, maxMs: 4_000 },
  /** Idle connections held open while main's memory is measured (after `warmup` connections). */
  memory: { clients: 2_000, warmup: 200 },
  /** electron-mock-ipc needs ~2 ms a call (two 1 ms timers): fewer samples. */
  slowRoundTrip: { count: 400, warmup: 20, maxMs: 1_500 },
};

const QUICK = {
  oneWay: { burst: 100, maxCount: 2_000, maxMs: 100, passes: 1 },
  roundTrip: { count: 100, warmup: 20, maxMs: 200 },
  pageRoundTrip: { count: 50, warmup: 10, maxMs: 200 },
  binary: { burst: 2, maxCount: 4, maxMs: 100, passes: 1, bytes: 1 << 20 },
  bigObject: { count: 2, warmup: 1, maxMs: 500 },
  memory: { clients: 20, warmup: 5 },
  slowRoundTrip: { count: 10, warmup: 2, maxMs: 200 },
};

export function sizes(quick) {
  return quick ? QUICK : FULL;
}
