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
});
