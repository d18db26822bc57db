/**
 * Frame fuzzer: FUZZ_FRAMES frames (default 20,000; `npm run fuzz` runs 10^6) from a seeded generator
 * (valid frames from the real encoder, hostile templates, mutations of both, random bytes), each fed to
 * `decodeFrame(frame, 'main', limits)` and to a real MainSession through a fake transport. Asserts:
 * - the decoder returns messages or throws an IpcError with a decode-time code, nothing else;
 * - the session never lets anything escape; it dispatches a valid frame and closes the connection on
 *   any other, with the decoder's code (or a protocol code) and a logged reason;
 * - no frame takes longer than the stated bound (docs/serialization.md, "Limits");
 * - memory stays bounded: the retained heap does not grow over the run.
 * FUZZ_SEED picks another sequence; a failure reports the seed, the frame index and its bytes.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { addRenderer, createMain } from '../../src/api/main-context.js';
import type { WebContents } from '../../src/core/main/web-contents-impl.js';
import { IpcError, IpcErrorCode } from '../../src/protocol/errors.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../src/protocol/limits.js';
import { decodeFrame, encodeMessageFrame } from '../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../src/protocol/messages.js';
import type { MainTransport, MainTransportEvents } from '../../src/transports/transport.js';
import {
  CHANNELS,
  concat,
  hostileFrame,
  INVOKE_CHANNELS,
  mutate,
  Rng,
  randomBytes,
  randomMessage,
} from './frame-generator.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 20_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_012);
/** The stated bound on one frame's decoding (docs/serialization.md); these frames are at most ~80 KB. */
const BOUND_MS = 100;
/** What decodeFrame may throw. */
const DECODE_CODES = new Set<string>([
  IpcErrorCode.Decode,
  IpcErrorCode.LimitExceeded,
  IpcErrorCode.Protocol,
]);
const ALL_CODES = new Set<string>(Object.values(IpcErrorCode));
/** Tight limits, checked on a share of the frames: every limit path gets exercised. */
const TIGHT = resolveLimits({
  maxDepth: 6,
  maxAllocations: 400,
  maxBigIntBytes: 16,
  maxSparseArrayLength: 1000,
});

/** A full GC, for measuring what is retained (vitest runs us without --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** One renderer connection: a fake transport, the sequence numbers it has used, and what it saw. */
interface Episode {
  contents: WebContents;
  events: MainTransportEvents;
  closed: IpcError[];
  nextSeq: number;
  nextId: number;
}

function hex(frame: Uint8Array): string {
  return Buffer.from(frame.subarray(0, 256)).toString('hex') + (frame.length > 256 ? '...' : '');
}

describe('frame fuzzer: decodeFrame and MainSession', () => {
  it(`${FRAMES} frames (seed ${SEED}): coded refusals only, dispatch of valid frames, bounded time and memory`, async () => {
    const gc = collector();
    const rng = new Rng(SEED);
    const logged: string[] = [];
    const logger = { warn: () => {}, error: (_fields: object, message: string) => logged.push(message) };
    const main = createMain({ logger, syncReplyTimeout: 1000 });
    let dispatched = 0;
    for (const channel of CHANNELS) {
      main.ipcMain.on(channel, (event, ...args) => {
        dispatched++;
        (event as { returnValue?: unknown }).returnValue = args.length;
      });
    }
    for (const channel of INVOKE_CHANNELS) {
      main.ipcMain.handle(channel, (_event, ...args) => {
        dispatched++;
        return args[0];
      });
    }

    const open = (): Episode => {
      const closed: IpcError[] = [];
      let events!: MainTransportEvents;
      const transport: MainTransport = {
        capabilities: { sync: true, transfer: false },
        start: (e) => {
          events = e;
        },
        send: () => {},
        close: (reason) => closed.push(reason),
      };
      const contents = addRenderer(main, transport, {
        type: 'window',
        url: 'http://127.0.0.1/',
        origin: 'http://127.0.0.1',
      });
      return { contents, events, closed, nextSeq: 1, nextId: 1 };
    };

    const decodeCodes = new Map<string, number>();
    const closeCodes = new Map<string, number>();
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    let decodedFrames = 0;
    let pristineFrames = 0;
    let maxDecodeMs = 0;
    const totals = { generate: 0, decode: 0, session: 0 };
    let framesOver10ms = 0;
    let maxSessionMs = 0;
    let slowest: Uint8Array = new Uint8Array();
    const heapSamples: number[] = [];
    let maxRss = 0;
    const started = performance.now();

    gc();
    const heapAtStart = process.memoryUsage().heapUsed;
    let ep = open();
    for (let i = 0; i < FRAMES; i++) {
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve)); // replies, outbox flushes
      if (i % Math.max(1, Math.floor(FRAMES / 20)) === 0) {
        gc();
        heapSamples.push(process.memoryUsage().heapUsed);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }

      // The frame: pristine (continues this connection), hostile, mutated, or random bytes.
      const generating = performance.now();
      const roll = rng.int(100);
      let frame: Uint8Array;
      let pristine = false;
      let dispatchable = 0;
      let sync = false;
      if (roll < 40) {
        pristine = true;
        const n = 1 + rng.int(3);
        sync = rng.chance(0.2);
        const messages: RendererToMainMessage[] = [];
        for (let k = 0; k < n; k++)
          messages.push(randomMessage(rng, ep.nextSeq + k, sync && k === n - 1, ep.nextId + k));
        frame = concat(messages.map(encodeMessageFrame));
        ep.nextSeq += n;
        ep.nextId += n;
        const kinds = messages.map((m) => m.kind);
        const plain = [MessageKind.Send, MessageKind.Invoke, MessageKind.SendSync] as number[];
        dispatchable = kinds.every((k) => plain.includes(k)) ? n : -1;
      } else if (roll < 43) {
        frame = hostileFrame(rng, ep.nextSeq);
      } else if (roll < 95) {
        const base = rng.chance(0.97)
          ? encodeMessageFrame(randomMessage(rng, ep.nextSeq, false, ep.nextId))
          : hostileFrame(rng, ep.nextSeq);
        frame = mutate(rng, base, rng.chance(0.6));
      } else {
        frame = randomBytes(rng);
      }

      // 1. The decoder alone.
      let decodeCode: string | undefined;
      let t = performance.now();
      totals.generate += t - generating;
      try {
        decodeFrame(frame, 'main', DEFAULT_LIMITS);
        decodedFrames++;
      } catch (error) {
        if (!(error instanceof IpcError) || !DECODE_CODES.has(error.code)) {
          throw new Error(`seed ${SEED} frame ${i}: decodeFrame threw ${String(error)}; frame ${hex(frame)}`);
        }
        decodeCode = error.code;
        count(decodeCodes, decodeCode);
      }
      const decodeMs = performance.now() - t;
      totals.decode += decodeMs;
      if (decodeMs > 10) framesOver10ms++;
      if (decodeMs > maxDecodeMs) {
        maxDecodeMs = decodeMs;
        slowest = frame;
      }
      if (i % 8 === 0) {
        try {
          decodeFrame(frame, 'main', TIGHT);
        } catch (error) {
          if (!(error instanceof IpcError) || !DECODE_CODES.has(error.code)) {
            throw new Error(
              `seed ${SEED} frame ${i}: tight decodeFrame threw ${String(error)}; frame ${hex(frame)}`,
            );
          }
        }
      }

      // 2. The same frame through a real session.
      const closedBefore = ep.closed.length;
      const dispatchedBefore = dispatched;
      logged.length = 0;
      let replied = 0;
      t = performance.now();
      try {
        ep.events.frame(frame, sync ? () => replied++ : undefined);
      } catch (error) {
        throw new Error(`seed ${SEED} frame ${i}: the session threw ${String(error)}; frame ${hex(frame)}`);
      }
      const sessionMs = performance.now() - t;
      totals.session += sessionMs;
      maxSessionMs = Math.max(maxSessionMs, sessionMs);
      const reason = ep.closed[closedBefore];
      if (reason !== undefined) {
        count(closeCodes, reason.code);
        const context = `seed ${SEED} frame ${i} (${hex(frame)})`;
        expect(ALL_CODES.has(reason.code), context).toBe(true);
        if (decodeCode !== undefined) expect(reason.code, context).toBe(decodeCode);
        expect(
          logged.some((line) => line.includes(`[${reason.code}]`)),
          context,
        ).toBe(true);
      } else if (decodeCode !== undefined) {
        throw new Error(
          `seed ${SEED} frame ${i}: the session kept a frame the decoder refuses (${decodeCode}); frame ${hex(frame)}`,
        );
      }
      if (pristine && dispatchable > 0) {
        const context = `seed ${SEED} frame ${i}: valid frame (${hex(frame)})`;
        expect(reason, context).toBeUndefined();
        expect(dispatched - dispatchedBefore, context).toBe(dispatchable);
        if (sync) expect(replied, context).toBe(1);
      }
      if (pristine) pristineFrames++;
      expect(logged.some((line) => line.includes('internal error'))).toBe(false);

      // Anything but a valid frame on a still-open connection ends it; the next frame gets a new one.
      if (!pristine || reason !== undefined) {
        if (reason === undefined) ep.contents.close();
        ep = open();
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const heapAtEnd = process.memoryUsage().heapUsed;
    const elapsed = performance.now() - started;

    // A frame over the bound gets three more tries on its own: only the input, not a busy machine, fails.
    let slowestRetryMs = Number.POSITIVE_INFINITY;
    if (maxDecodeMs > BOUND_MS) {
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        try {
          decodeFrame(slowest, 'main', DEFAULT_LIMITS);
        } catch {}
        slowestRetryMs = Math.min(slowestRetryMs, performance.now() - t);
      }
      expect(slowestRetryMs, `slowest frame ${hex(slowest)}`).toBeLessThanOrEqual(BOUND_MS);
    }
    const summary = {
      seed: SEED,
      frames: FRAMES,
      seconds: +(elapsed / 1000).toFixed(1),
      pristineFrames,
      decodedFrames,
      decodeRejects: Object.fromEntries([...decodeCodes].sort()),
      sessionCloses: Object.fromEntries([...closeCodes].sort()),
      dispatched,
      secondsGenerating: +(totals.generate / 1000).toFixed(1),
      secondsDecoding: +(totals.decode / 1000).toFixed(1),
      secondsInSessions: +(totals.session / 1000).toFixed(1),
      maxDecodeMs: +maxDecodeMs.toFixed(2),
      framesOver10ms,
      ...(Number.isFinite(slowestRetryMs) ? { slowestRetryMs: +slowestRetryMs.toFixed(2) } : {}),
      maxSessionMs: +maxSessionMs.toFixed(2),
      heapStartMB: +(heapAtStart / 2 ** 20).toFixed(1),
      heapMaxMB: +(Math.max(...heapSamples, heapAtEnd) / 2 ** 20).toFixed(1),
      heapEndMB: +(heapAtEnd / 2 ** 20).toFixed(1),
      rssMaxMB: +(maxRss / 2 ** 20).toFixed(0),
    };
    console.log(`frame fuzzer: ${JSON.stringify(summary)}`);
    // Memory stays bounded: what survives a full GC does not grow with the number of frames.
    expect(heapAtEnd - heapAtStart).toBeLessThan(64 * 2 ** 20);
    expect(maxRss).toBeLessThan(1024 * 2 ** 20);
    expect(decodedFrames).toBeGreaterThan(FRAMES / 4);
    expect(decodeCodes.get(IpcErrorCode.LimitExceeded) ?? 0).toBeGreaterThan(0);
  }, 3_600_000);
});
