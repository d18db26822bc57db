import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ReplayBuffer } from '../../../src/core/shared/replay-buffer.js';

const frameOf = (n: number, size = 4) => new Uint8Array(size).fill(n);

/** The class from a fresh copy of the module: slabs are shared process-wide, so a test starts clean. */
async function freshReplayBuffer(): Promise<typeof ReplayBuffer> {
  vi.resetModules();
  return (await import('../../../src/core/shared/replay-buffer.js')).ReplayBuffer;
}

describe('ReplayBuffer', () => {
  it('keeps frames until acknowledged and gives back those after a number', () => {
    const replay = new ReplayBuffer();
    replay.add(frameOf(1), 2); // messages 1-2
    replay.add(frameOf(2), 3);
    replay.add(frameOf(3), 7); // messages 4-7
    expect(replay.bytes).toBe(12);
    expect(replay.framesAfter(3).map((f) => f[0])).toEqual([3]);
    expect(replay.framesAfter(2).map((f) => f[0])).toEqual([2, 3]);
    replay.ack(5); // frame 3 still holds 6 and 7
    expect(replay.acked).toBe(5);
    expect(replay.frameCount).toBe(1);
    expect(replay.bytes).toBe(4);
    replay.ack(4); // an older ack changes nothing
    expect(replay.acked).toBe(5);
    replay.ack(7);
    expect(replay.frameCount).toBe(0);
    expect(replay.bytes).toBe(0);
  });

  it('copies transient frames, and reuses the memory of large ones once acknowledged', () => {
    const replay = new ReplayBuffer();
    const source = frameOf(9, 100_000);
    const first = replay.addCopy(source, 1);
    source.fill(0);
    expect(first[0]).toBe(9);
    replay.ack(1);
    const second = replay.addCopy(frameOf(8, 90_000), 2);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteLength).toBe(90_000);
    expect(replay.framesAfter(1)).toEqual([second]);
  });

  it('packs small copies into shared memory, which is reused once every copy in it is acknowledged', async () => {
    const replay = new (await freshReplayBuffer())();
    const a = replay.addCopy(frameOf(1, 100), 1);
    const b = replay.addCopy(frameOf(2, 100), 2);
    expect(b.buffer).toBe(a.buffer);
    expect([a[0], b[0]]).toEqual([1, 2]);
    replay.ack(1);
    expect(b[0]).toBe(2); // still held: its memory is not handed out again
    const c = replay.addCopy(frameOf(3, 100), 3);
    expect(c.byteOffset).toBe(200);
    replay.ack(3);
    const d = replay.addCopy(frameOf(4, 100), 4);
    expect(d.buffer).toBe(a.buffer);
    expect(d.byteOffset).toBe(0);
  });

  it('packs the copies of every buffer of the process together; a cleared buffer frees its share', async () => {
    const Fresh = await freshReplayBuffer();
    const one = new Fresh();
    const two = new Fresh();
    const a = one.addCopy(frameOf(1, 100), 1);
    const b = two.addCopy(frameOf(2, 100), 1);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(100);
    one.clear();
    expect(two.framesAfter(0)).toEqual([frameOf(2, 100)]);
    two.ack(1);
    // Nothing is held any more: the shared slab is filled again from its start.
    expect(one.addCopy(frameOf(3, 100), 2).byteOffset).toBe(0);
  });

  it('framesAfter(n) holds every message after n, whatever the acks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
        (sizes, acks, query) => {
          const replay = new ReplayBuffer();
          let seq = 0;
          const lasts: number[] = [];
          for (const size of sizes) {
            seq += size;
            lasts.push(seq);
            replay.add(new Uint8Array(1), seq);
          }
          let acked = 0;
          for (const ack of acks) {
            const at = Math.min(ack % (seq + 1), seq);
            replay.ack(at);
            acked = Math.max(acked, at);
          }
          const from = acked + (query % (seq - acked + 1));
          expect(replay.framesAfter(from)).toHaveLength(lasts.filter((last) => last > from).length);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });

  it('holds exactly the unacknowledged frames through any mix of sends, acks and clears, with buffers sharing memory (property)', async () => {
    const Fresh = await freshReplayBuffer();
    // Operations on two buffers: send a frame (by reference, copied, or kept as a copy), acknowledge
    // some of what was sent, clear. Frames are filled with their own sequence number, so a frame given
    // back with the wrong bytes (memory reused too early) or in the wrong order is caught.
    const op = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.record({
          kind: fc.constant('send' as const),
          to: fc.nat(1),
          how: fc.nat(2),
          size: fc.integer({ min: 1, max: 300 }),
        }),
      },
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('ack' as const),
          to: fc.nat(1),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), to: fc.nat(1) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 300, size: 'max' }), (ops) => {
        const buffers = [new Fresh(), new Fresh()];
        const model = buffers.map(() => ({ sent: 0, acked: 0, held: [] as { seq: number; size: number }[] }));
        for (const o of ops) {
          const buffer = buffers[o.to]!;
          const m = model[o.to]!;
          if (o.kind === 'send') {
            const seq = ++m.sent;
            const frame = new Uint8Array(o.size).fill(seq & 0xff);
            if (o.how === 0) buffer.add(frame, seq);
            else if (o.how === 1) buffer.addCopy(frame, seq);
            else buffer.keepCopy(frame, seq);
            if (o.how !== 0) frame.fill(0); // a copy must not depend on the caller's bytes
            m.held.push({ seq, size: o.size });
          } else if (o.kind === 'ack') {
            const to = m.acked + Math.floor(o.fraction * (m.sent - m.acked));
            buffer.ack(to);
            m.acked = Math.max(m.acked, to);
            m.held = m.held.filter((h) => h.seq > m.acked);
          } else {
            buffer.clear();
            m.acked = m.sent;
            m.held = [];
          }
        }
        buffers.forEach((buffer, i) => {
          const m = model[i]!;
          expect(buffer.frameCount).toBe(m.held.length);
          expect(buffer.bytes).toBe(m.held.reduce((sum, h) => sum + h.size, 0));
          const frames = buffer.framesAfter(m.acked);
          expect(frames.map((f) => f.byteLength)).toEqual(m.held.map((h) => h.size));
          frames.forEach((frame, k) => {
            expect(frame.every((b) => b === (m.held[k]!.seq & 0xff))).toBe(true);
          });
        });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });
});
