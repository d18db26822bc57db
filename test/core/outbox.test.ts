import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/core/outbox.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { decodeFrame, encodeMessage } from '../../src/protocol/message-codec.js';
import { MessageKind } from '../../src/protocol/messages.js';

const message = (seq: number, text = 'x') =>
  encodeMessage({ kind: MessageKind.Send, seq, channel: 'c', args: [text] });

describe('Outbox', () => {
  it('coalesces every message queued in one task into one frame, in order', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20);
    outbox.setSink((frame) => frames.push(frame));
    for (let seq = 1; seq <= 100; seq++) outbox.push(message(seq));
    expect(frames).toHaveLength(0);
    await Promise.resolve();
    expect(frames).toHaveLength(1);
    expect(decodeFrame(frames[0]!, 'main', DEFAULT_LIMITS).map((m) => m.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('sends a lone message on the next microtask, not inline and not after a timer', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20);
    outbox.setSink((frame) => frames.push(frame));
    outbox.push(message(1));
    expect(frames).toHaveLength(0);
    await Promise.resolve();
    expect(frames).toHaveLength(1);
  });

  it('starts a new frame before exceeding the frame limit', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(300);
    outbox.setSink((frame) => frames.push(frame));
    for (let seq = 1; seq <= 10; seq++) outbox.push(message(seq, 'y'.repeat(100)));
    await Promise.resolve();
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) expect(frame.byteLength).toBeLessThanOrEqual(300);
    const seqs = frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq));
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('holds frames until a sink is set, then sends them in order', async () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20);
    outbox.push(message(1));
    outbox.push(message(2));
    await Promise.resolve();
    outbox.setSink((frame) => frames.push(frame));
    await Promise.resolve();
    expect(frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq))).toEqual([
      1, 2,
    ]);
  });

  it('flush() sends synchronously (sendSync relies on it)', () => {
    const frames: Uint8Array[] = [];
    const outbox = new Outbox(1 << 20);
    outbox.setSink((frame) => frames.push(frame));
    outbox.push(message(1));
    outbox.flush();
    expect(frames).toHaveLength(1);
  });
});
