import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer } from '../../../src/main.js';
import { type Forked, forkReady } from '../../hostile/forked.js';

/*
 * 100 MB invokes over a real WebSocket while another renderer makes small invokes (issue 19, item 7).
 * Main runs here; each renderer in a process of its own (the library's Node client from dist/), so
 * their own work (building, hashing and decoding 100 MB) does not run on main's event loop, which is
 * what is measured. The other renderer samples open loop (a call due every INTERVAL_MS whatever is
 * pending), so a stall in main shows in every call it holds up, not as one slow call in hundreds.
 *
 * - An upload (the handler answers the size): chunks leave main's loop free between them, and their
 *   ArrayBuffer bytes go straight where the decoded value holds them (protocol spans), so nothing of
 *   100 MB is done in one task: the other renderer's p99 stays within a small bound.
 * - An echo: main must also send 100 MB, and it takes a snapshot of the value when the handler
 *   returns (as Electron's serialization does): one copy into fresh memory in one task, main's
 *   longest stall, which must not be more than that copy (measured here, same process).
 * With chunking disabled (CHUNKED_ABOVE = Infinity in sequenced-link.ts) the progress assertions fail;
 * without spans, both stall bounds. See docs/performance.md, "Large payloads".
 */

const MB = 1024 * 1024;
const BYTES = 100 * MB;
const CHILD = fileURLToPath(new URL('./large-payload-child.mjs', import.meta.url));
/** The small invokes: one due every INTERVAL_MS. */
const INTERVAL_MS = 2;

let server: IpcServer;
let big: Forked;
let small: Forked;

beforeAll(async () => {
  const main = createMain({ limits: { maxPayload: 128 * MB } });
  main.ipcMain.handle('echo', (_event, value: unknown) => value);
  main.ipcMain.handle('size', (_event, value: Uint8Array) => value.byteLength);
  server = await createServer({ main });
  [big, small] = await Promise.all([forkReady(CHILD, [server.url]), forkReady(CHILD, [server.url])]);
});

afterAll(async () => {
  await Promise.all([big?.kill(), small?.kill()]);
  await server?.close();
});

interface Progress {
  calls: number;
  last?: { bytes: number; total: number };
}

interface Transfer {
  ms: number;
  right: boolean;
  upload: Progress;
  download: Progress;
  wrong: string[];
  error?: string;
}

interface Measured {
  result: Transfer;
  /**
   * What copying 100 MB into fresh memory costs in this process (the measure of main's stalls), the
   * more of two copies made just before and just after the transfer: on these VMs a page fault's cost
   * varies several-fold from minute to minute, so a figure taken earlier does not hold.
   */
  copyMs: number;
  /** The other renderer's call latencies during the transfer (ms). */
  latencies: number[];
  /** Main's longest event-loop stall during the transfer (ms). */
  longestStallMs: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** How long filling `bytes` of fresh memory takes on this machine (page faults: the cost of a copy). */
function freshCopyMs(bytes: number): number {
  const started = performance.now();
  new Uint8Array(bytes).fill(1);
  return performance.now() - started;
}

/** The small renderer's latencies while nothing else happens. */
async function idleLatencies(): Promise<number[]> {
  const idle = await small.request<{ latencies: number[] }>(
    'sample',
    { intervalMs: INTERVAL_MS, durationMs: 1500 },
    10_000,
  );
  return idle.latencies;
}

/** A 100 MB invoke on `channel` by the big renderer while the small one samples, until it is done. */
async function transferBeside(channel: 'size' | 'echo'): Promise<Measured> {
  const copyBefore = freshCopyMs(BYTES);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const sampling = small.request<{ latencies: number[] }>(
    'sample',
    { intervalMs: INTERVAL_MS, durationMs: 20_000 },
    25_000,
  );
  const result = await big.request<Transfer>('transfer', { bytes: BYTES, channel }, 25_000);
  await small.request('stop');
  const { latencies } = await sampling;
  loop.disable();
  const copyMs = Math.max(copyBefore, freshCopyMs(BYTES));
  expect(result.error).toBeUndefined();
  const longestStallMs = loop.max / 1e6;
  const mbPerS = ((channel === 'echo' ? 2 : 1) * BYTES) / MB / (result.ms / 1000);
  console.log(
    `100 MB ${channel}: ${result.ms.toFixed(0)} ms (${mbPerS.toFixed(0)} MB/s); other renderer ` +
      `p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, ` +
      `max ${Math.max(...latencies).toFixed(1)} ms (${latencies.length} calls); main's longest stall ` +
      `${longestStallMs.toFixed(0)} ms; progress calls: ${result.upload.calls} up, ${result.download.calls} down; ` +
      `a fresh 100 MB copy: ${copyMs.toFixed(0)} ms`,
  );
  expect(result.right).toBe(true);
  expect(result.wrong).toEqual([]);
  expect(latencies.length).toBeGreaterThan(200);
  return { result, copyMs, latencies, longestStallMs };
}

/** Per chunk (512 KiB), ending at the message's total. */
function expectChunkedProgress(progress: Progress): void {
  expect(progress.calls).toBeGreaterThanOrEqual(200);
  expect(progress.last!.bytes).toBe(progress.last!.total);
  expect(progress.last!.total).toBeGreaterThan(BYTES);
}

describe('100 MB invokes over a WebSocket beside another renderer', () => {
  it('an upload streams with progress and leaves the other renderer p99 near idle', async () => {
    const idle = await idleLatencies();
    const { result, copyMs, latencies, longestStallMs } = await transferBeside('size');
    const idleP99 = percentile(idle, 99);
    console.log(`other renderer idle: p99 ${idleP99.toFixed(2)} ms`);
    expectChunkedProgress(result.upload);
    expect(result.download.calls).toBe(1);
    // Without spans, decoding copied the argument in one task: a stall of about one copy.
    expect(longestStallMs).toBeLessThan(0.5 * copyMs + 50);
    expect(percentile(latencies, 99)).toBeLessThan(Math.max(10 * idleP99, 100));
  }, 40_000);

  it('an echo stalls main no longer than the snapshot of its reply', async () => {
    // Before spans main also copied the argument out of the reassembly and the reply's encoding once
    // more for its length prefix: about three such copies in one task, in every run. The snapshot's
    // one copy into fresh memory alone takes three times as long as usual now and then on these VMs
    // (page faults), so the best of up to three echoes is what is held to the bound.
    let best = Infinity;
    let bound = 0;
    for (let attempt = 0; attempt < 3 && best >= bound; attempt++) {
      const { result, copyMs, longestStallMs } = await transferBeside('echo');
      expectChunkedProgress(result.upload);
      expectChunkedProgress(result.download);
      best = Math.min(best, longestStallMs);
      bound = 1.75 * copyMs + 50;
    }
    expect(best).toBeLessThan(bound);
  }, 60_000);
});
