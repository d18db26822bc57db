import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer } from '../../../src/main.js';
import { type Forked, forkReady } from '../../hostile/forked.js';

/*
 * A 100 MB invoke echo over a real WebSocket while another renderer makes small invokes (issue 19,
 * item 7). Main runs here; each renderer in a process of its own (the library's Node client from dist/),
 * so their own work (building, hashing and decoding 100 MB) does not run on main's event loop, which is
 * what is measured. Chunked transfers leave main's loop free between chunks; what is left in one task,
 * decoding the whole message and encoding the reply (fresh memory: about 2.6 ms/MB on the reference
 * VM), is the handler's own work and shows as main's longest stall. With chunking disabled
 * (CHUNKED_ABOVE = Infinity in sequenced-link.ts) the progress assertions fail; the p99 bound alone
 * does not (one stalled call in hundreds): see docs/performance.md, "Large payloads".
 */

const MB = 1024 * 1024;
const BYTES = 100 * MB;
const CHILD = fileURLToPath(new URL('./large-payload-child.mjs', import.meta.url));
/** The small invokes: one at a time, one every INTERVAL_MS. */
const INTERVAL_MS = 2;

let server: IpcServer;
let big: Forked;
let small: Forked;

beforeAll(async () => {
  const main = createMain({ limits: { maxPayload: 128 * MB } });
  main.ipcMain.handle('echo', (_event, value: unknown) => value);
  server = await createServer({ main });
  [big, small] = await Promise.all([forkReady(CHILD, [server.url]), forkReady(CHILD, [server.url])]);
});

afterAll(async () => {
  await Promise.all([big?.kill(), small?.kill()]);
  await server?.close();
});

interface Transfer {
  ms: number;
  identical: boolean;
  upload: { calls: number; last?: { bytes: number; total: number } };
  download: { calls: number; last?: { bytes: number; total: number } };
  wrong: string[];
  error?: string;
}

/** How long filling `bytes` of fresh memory takes on this machine (page faults: the cost of a copy). */
function freshCopyMs(bytes: number): number {
  const started = performance.now();
  new Uint8Array(bytes).fill(1);
  return performance.now() - started;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('a 100 MB invoke over a WebSocket', () => {
  it('streams with progress both ways and leaves other renderers p99 near idle', async () => {
    const baseline = await small.request<{ latencies: number[] }>(
      'sample',
      { intervalMs: INTERVAL_MS, durationMs: 1500 },
      10_000,
    );
    const copyMs = freshCopyMs(BYTES);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const transfer = big.request<Transfer>('transfer', { bytes: BYTES }, 25_000);
    // Sampling starts with the transfer and lasts about as long (measured: 2-4 s on loopback).
    const during = small.request<{ latencies: number[] }>(
      'sample',
      { intervalMs: INTERVAL_MS, durationMs: 2500 },
      25_000,
    );
    const [result, busy] = await Promise.all([transfer, during]);
    loop.disable();
    const longestStallMs = loop.max / 1e6;
    console.log(
      `main's event loop delay: max ${longestStallMs.toFixed(0)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, p90 ${(loop.percentile(90) / 1e6).toFixed(1)} ms; ` +
        `copying 100 MB into fresh memory takes ${copyMs.toFixed(0)} ms here`,
    );
    expect(result.error).toBeUndefined();

    const idleP99 = percentile(baseline.latencies, 99);
    const busyP99 = percentile(busy.latencies, 99);
    const mbPerS = (2 * BYTES) / MB / (result.ms / 1000);
    console.log(
      `100 MB invoke echo: ${result.ms.toFixed(0)} ms (${mbPerS.toFixed(0)} MB/s both ways together); ` +
        `other renderer's p99 ${idleP99.toFixed(2)} ms idle, ${busyP99.toFixed(2)} ms during ` +
        `(p50 ${percentile(busy.latencies, 50).toFixed(2)} ms, max ${Math.max(...busy.latencies).toFixed(1)} ms, ` +
        `${busy.latencies.length} calls); progress calls: ${result.upload.calls} up, ${result.download.calls} down`,
    );

    expect(result.identical).toBe(true);
    expect(result.wrong).toEqual([]);
    // Per chunk (512 KiB) each way, ending at the message's total.
    expect(result.upload.calls).toBeGreaterThanOrEqual(200);
    expect(result.download.calls).toBeGreaterThanOrEqual(200);
    expect(result.upload.last!.bytes).toBe(result.upload.last!.total);
    expect(result.upload.last!.total).toBeGreaterThan(BYTES);
    expect(result.download.last!.bytes).toBe(result.download.last!.total);
    expect(result.download.last!.total).toBeGreaterThan(BYTES);
    expect(busy.latencies.length).toBeGreaterThan(500);
    // Main's one long task is the copy of the reply into its encoding (Electron's serialization takes
    // the same snapshot). Before spans it also copied the argument out of the reassembly and the
    // encoding once more for its length prefix: about three such copies in one task.
    expect(longestStallMs).toBeLessThan(1.5 * copyMs + 50);
    expect(busyP99).toBeLessThan(Math.max(10 * idleP99, 60));
  }, 30_000);
});
