import { describe, expect, it } from 'vitest';
import { PendingCalls } from '../../../src/core/renderer/pending-calls.js';

describe('PendingCalls', () => {
  it('hands out monotonic ids and resolves each call once', async () => {
    const calls = new PendingCalls<number>();
    const a = calls.nextId();
    const b = calls.nextId();
    expect(b).toBe(a + 1);
    const pa = calls.add(a, Number.POSITIVE_INFINITY, 'a');
    const pb = calls.add(b, Number.POSITIVE_INFINITY, 'b');
    expect(calls.resolve(b, 2)).toBe(true);
    expect(calls.resolve(b, 3)).toBe(false);
    expect(calls.resolve(a, 1)).toBe(true);
    expect(await Promise.all([pa, pb])).toEqual([1, 2]);
    expect(calls.size).toBe(0);
  });

  it('drops and counts replies for unknown ids', () => {
    const calls = new PendingCalls<number>();
    expect(calls.resolve(99, 1)).toBe(false);
    expect(calls.reject(98, () => new Error('x'))).toBe(false);
    expect(calls.unknownReplies).toBe(2);
  });

  it('rejects with ERR_IPC_TIMEOUT when the deadline passes, and ignores the late reply', async () => {
    const calls = new PendingCalls<number>();
    const id = calls.nextId();
    const pending = calls.add(id, 10, 'slow');
    await expect(pending).rejects.toMatchObject({ code: 'ERR_IPC_TIMEOUT' });
    expect(calls.resolve(id, 1)).toBe(false);
  });

  it('rejectAll settles every pending call with the given error', async () => {
    const calls = new PendingCalls<number>();
    const error = new Error('closed');
    const all = [1, 2, 3].map((id) => calls.add(id, 1_000, String(id)));
    calls.rejectAll(error);
    for (const pending of all) await expect(pending).rejects.toBe(error);
    expect(calls.size).toBe(0);
  });

  it('builds the rejection from the call label', async () => {
    const calls = new PendingCalls<number>();
    const pending = calls.add(1, Number.POSITIVE_INFINITY, 'chan');
    calls.reject(1, (label) => new Error(`failed ${label}`));
    await expect(pending).rejects.toThrow('failed chan');
  });
});
