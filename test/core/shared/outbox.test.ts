import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChunkStream } from '../../../src/core/shared/chunk-stream.js';
import { Outbox } from '../../../src/core/shared/outbox.js';
import { IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame } from '../../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainSend } from '../../../src/protocol/messages.js';

const message = (seq: number, text: unknown = 'x'): RendererToMainSend => ({
  kind: MessageKind.Send,
  seq,
  channel: 'c',
  args: [text],
});
const seqsOf = (frames: Uint8Array[]) =>
  frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq));

describe('Outbox', () => {
  it('coalesces every message queued in one task into one frame, in order', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    for (let seq = 1; seq <= 100; seq++) outbox.add(message(seq));
    expect(frames).toHaveLength(0);
    await Promise.resolve();
    expect(frames).toHaveLength(1);
    expect(decodeFrame(frames[0]!, 'main', DEFAULT_LIMITS).map((m) => m.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('sends a lone message on the next microtask, not inline and not after a timer', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    outbox.add(message(1));
    expect(frames).toHaveLength(0);
    await Promise.resolve();
    expect(frames).toHaveLength(1);
  });

  it('starts a new frame before exceeding the frame limit', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(300, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    for (let seq = 1; seq <= 10; seq++) outbox.add(message(seq, 'y'.repeat(100)));
    await Promise.resolve();
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) expect(frame.byteLength).toBeLessThanOrEqual(300);
    const seqs = frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq));
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('holds frames until a sink is set, then sends them in order', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.add(message(1));
    outbox.add(message(2));
    await Promise.resolve();
    outbox.setSink({ send: (frame) => frames.push(frame) });
    await Promise.resolve();
    expect(frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq))).toEqual([
      1, 2,
    ]);
  });

  it('flush() sends synchronously (sendSync relies on it)', () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    outbox.add(message(1));
    outbox.flush();
    expect(frames).toHaveLength(1);
  });

  it('returns the encoded size and keeps messages of any length intact (long length prefixes)', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 24, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    const texts = ['a', 'b'.repeat(200), 'c'.repeat(20_000), 'd'.repeat(3_000_000), 'e'];
    const sizes = texts.map((text, i) => outbox.add(message(i + 1, text)));
    await Promise.resolve();
    const decoded = frames.flatMap((frame) => decodeFrame(frame, 'main', { ...DEFAULT_LIMITS }));
    expect(decoded.map((m) => (m as RendererToMainSend).args[0])).toEqual(texts);
    const lengths: number[] = [];
    for (const frame of frames) decodeFrame(frame, 'main', DEFAULT_LIMITS, lengths);
    expect(sizes).toEqual(lengths);
  });

  it('queues nothing for a message that cannot be encoded, and the frame goes on', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    outbox.add(message(1));
    expect(() => outbox.add(message(2, { f() {} }))).toThrow(
      expect.objectContaining({ code: IpcErrorCode.NotCloneable }),
    );
    outbox.add(message(2));
    await Promise.resolve();
    expect(seqsOf(frames)).toEqual([1, 2]);
  });

  it('dropLast() takes back the message just added', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    outbox.add(message(1));
    outbox.add(message(2, 'z'.repeat(500)));
    outbox.dropLast();
    outbox.add(message(2));
    await Promise.resolve();
    expect(seqsOf(frames)).toEqual([1, 2]);
    outbox.add(message(3));
    outbox.dropLast();
    await Promise.resolve();
    expect(frames).toHaveLength(1);
  });

  it('refuses a send from a getter of the value being encoded (the frame is mid-message)', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    const value = {
      get nested() {
        return outbox.add(message(99));
      },
    };
    expect(() => outbox.add(message(1, value))).toThrow(
      expect.objectContaining({ code: IpcErrorCode.InvalidArgument }),
    );
    outbox.add(message(1));
    await Promise.resolve();
    expect(seqsOf(frames)).toEqual([1]);
  });

  it('keeps the frame limit while no sink is set', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(300, true);
    for (let seq = 1; seq <= 10; seq++) outbox.add(message(seq, 'y'.repeat(100)));
    await Promise.resolve();
    outbox.setSink({ send: (frame) => frames.push(frame) });
    await Promise.resolve();
    for (const frame of frames) expect(frame.byteLength).toBeLessThanOrEqual(300);
    expect(seqsOf(frames)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('clear() drops what is queued', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    outbox.add(message(1));
    outbox.clear();
    await Promise.resolve();
    expect(frames).toHaveLength(0);
  });

  it('starts a new frame once one holds 256 KiB (large messages are not coalesced)', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 26, true);
    outbox.setSink({ send: (frame) => frames.push(frame) });
    for (let seq = 1; seq <= 4; seq++) outbox.add(message(seq, 'z'.repeat(200_000)));
    outbox.add(message(5));
    await Promise.resolve();
    expect(frames.map((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).length)).toEqual([2, 2, 1]);
    expect(seqsOf(frames)).toEqual([1, 2, 3, 4, 5]);
  });

  it('hands a sink with sendTransient the last frame from its own buffer, in order after full frames', async () => {
    const seen: { how: string; seqs: number[] }[] = [];
    const transient: Uint8Array[] = [];
    const outbox = new Outbox(1 << 26, true);
    outbox.setSink({
      send: (frame) => seen.push({ how: 'send', seqs: seqsOf([frame]) }),
      sendTransient: (frame) => {
        transient.push(frame);
        seen.push({ how: 'transient', seqs: seqsOf([frame]) });
      },
    });
    outbox.add(message(1, 'a'.repeat(300_000)));
    outbox.add(message(2));
    outbox.add(message(3));
    await Promise.resolve();
    expect(seen).toEqual([
      { how: 'send', seqs: [1] },
      { how: 'transient', seqs: [2, 3] },
    ]);
    // The transient bytes belong to the codec again: the next frame may be written over them.
    outbox.add(message(4, 'b'));
    await Promise.resolve();
    expect(seen.at(-1)).toEqual({ how: 'transient', seqs: [4] });
    expect(transient).toHaveLength(2);
  });

  it('tells the sink when it has sent everything', async () => {
    const drained: unknown[] = [];
    const outbox = new Outbox(1 << 20, true);
    outbox.setSink({ send: () => {}, drained: (which) => drained.push(which) });
    outbox.add(message(1));
    await Promise.resolve();
    expect(drained).toEqual([outbox]);
  });
});

describe('Outbox behind a paced chunk stream', () => {
  const MiB = 1024 * 1024;

  /** Queues a 2 MiB stream and then 6 MiB of whole frames behind it; returns the bytes sent at once. */
  async function sentAtOnce(judgedByTransport: boolean): Promise<number> {
    let sent = 0;
    const outbox = new Outbox(16 * MiB, judgedByTransport);
    outbox.setSink({ send: (frame) => (sent += frame.byteLength) });
    const pacer = { sendBacklog: 0, awaitingAcks: false };
    outbox.queueStream(
      new ChunkStream(new Uint8Array(2 * MiB), [], 1, MessageKind.RendererChunk, pacer, undefined),
    );
    for (let seq = 5; seq < 11; seq++) outbox.add(message(seq, new Uint8Array(MiB)));
    await Promise.resolve();
    return sent;
  }

  it("main's side hands everything to the transport past 4 MiB held behind (its slow-consumer rules judge)", async () => {
    expect(await sentAtOnce(true)).toBeGreaterThan(8 * MiB);
  });

  it("a renderer's side keeps pacing, whatever is queued (handed over, it would count against its replay limit)", async () => {
    expect(await sentAtOnce(false)).toBeLessThanOrEqual(1 * MiB + 64);
  });

  describe('a chunk stream waiting for acknowledgements', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('goes on when one comes, and looks again only every 50 ms meanwhile', async () => {
      vi.useFakeTimers();
      const frames: Uint8Array[] = [];
      const outbox = new Outbox(16 * MiB, false);
      outbox.setSink({ send: (frame) => frames.push(frame) });
      let looks = 0;
      let waiting = true;
      const pacer = {
        sendBacklog: 0,
        get awaitingAcks() {
          looks++;
          return waiting;
        },
      };
      outbox.queueStream(
        new ChunkStream(new Uint8Array(2 * MiB), [], 1, MessageKind.RendererChunk, pacer, undefined),
      );
      await Promise.resolve();
      const first = looks;
      // Two looks in 100 ms, each reading the pacer a few times; polled every millisecond, it was 200.
      vi.advanceTimersByTime(100);
      expect(frames).toHaveLength(0);
      expect(looks - first).toBeLessThanOrEqual(6);
      waiting = false;
      outbox.acknowledged();
      // Turn after turn at once, long before the next look (due at 150 ms).
      vi.advanceTimersByTime(1);
      expect(frames).toHaveLength(4);
    });
  });
});
