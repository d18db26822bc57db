import { describe, expect, it, vi } from 'vitest';
import { IdBlocks } from '../../src/redis/id-blocks.js';

/** A counter in place of Redis's INCRBY, answering when the test says so. */
function counter() {
  let value = 0;
  const waiting: (() => void)[] = [];
  const fetch = vi.fn(
    (size: number) =>
      new Promise<number>((resolve) => {
        waiting.push(() => resolve((value += size)));
      }),
  );
  const answer = async () => {
    for (const next of waiting.splice(0)) next();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { fetch, answer };
}

describe('WebContents id blocks (src/redis/id-blocks.ts)', () => {
  it('gives nothing before Redis answered, then consecutive ids from its block', async () => {
    const { fetch, answer } = counter();
    const ids = new IdBlocks(10, fetch, () => {});
    expect(ids.take()).toBeUndefined();
    await answer();
    expect(Array.from({ length: 5 }, () => ids.take())).toEqual([1, 2, 3, 4, 5]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('asks for the next block while half of this one is left, and moves on to it without a gap', async () => {
    const { fetch, answer } = counter();
    const ids = new IdBlocks(10, fetch, () => {});
    void ids.refill();
    await answer();
    const taken = Array.from({ length: 6 }, () => ids.take());
    expect(taken).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fetch).toHaveBeenCalledTimes(2);
    await answer();
    expect(ids.available).toBe(14);
    expect(Array.from({ length: 14 }, () => ids.take())).toEqual([
      7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
  });

  it('reports a failed request and asks again later', async () => {
    const failed = vi.fn();
    const fetch = vi.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce(100);
    const ids = new IdBlocks(100, fetch, failed);
    await ids.refill();
    expect(failed).toHaveBeenCalledTimes(1);
    expect(ids.take()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ids.take()).toBe(1);
  });
});
