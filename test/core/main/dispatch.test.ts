import { describe, expect, it, vi } from 'vitest';
import { createMemoryIpc } from '../../../src/testing.js';

const PREFIX = "Error occurred in handler for 'ch'";

/** A world whose handler for 'ch' throws (or rejects with) `thrown`; the renderer invokes it once. */
async function invokeThrowing(thrown: unknown, how: 'throw' | 'reject' = 'throw') {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const ipc = createMemoryIpc({ logger });
  ipc.ipcMain.handle('ch', () => {
    if (how === 'reject') return Promise.reject(thrown);
    throw thrown;
  });
  const { ipcRenderer } = ipc.createRenderer();
  const settled = await ipcRenderer.invoke('ch').then(
    (value: unknown) => ({ resolved: value }),
    (error: Error) => ({ rejected: error.message }),
  );
  ipc.close();
  // [message, err] per line; every line is about channel 'ch'.
  const calls = logger.error.mock.calls as [{ err?: unknown; channel?: string }, string][];
  expect(calls.every(([fields]) => fields.channel === 'ch')).toBe(true);
  return { settled, logged: calls.map(([fields, message]) => [message, fields.err]) };
}

/*
 * Electron: main replies `{ error: error.toString() }` (lib/browser/ipc-dispatch.ts) and the renderer
 * throws only `if (error)` (lib/renderer/api/ipc-renderer.ts).
 */
describe('dispatchInvoke: what a thrown value becomes, as in Electron', () => {
  it.each(['throw', 'reject'] as const)("resolves with undefined when a handler %ss ''", async (how) => {
    const { settled, logged } = await invokeThrowing('', how);
    expect(settled).toEqual({ resolved: undefined });
    expect(logged).toEqual([[PREFIX, '']]);
  });

  it.each([
    [0, '0'],
    [false, 'false'],
    [Number.NaN, 'NaN'],
    [0n, '0'],
  ])('rejects when a handler throws %s, whose toString() is the truthy %j', async (thrown, text) => {
    const { settled, logged } = await invokeThrowing(thrown);
    expect(settled).toEqual({ rejected: `Error invoking remote method 'ch': ${text}` });
    expect(logged).toEqual([[PREFIX, thrown]]);
  });

  it.each([null, undefined])(
    "answers 'reply was never sent' at once when a handler throws %s, and logs both errors",
    async (thrown) => {
      const { settled, logged } = await invokeThrowing(thrown);
      // Electron's renderer gets this text only when main garbage-collects the event; ours at once.
      expect(settled).toEqual({ rejected: "Error invoking remote method 'ch': reply was never sent" });
      expect(logged).toHaveLength(2);
      expect(logged[0]).toEqual([PREFIX, thrown]);
      // The TypeError Electron leaves as an unhandled rejection in main, from the same toString() call.
      expect(logged[1]?.[0]).toContain("what the handler for 'ch' threw has no usable toString()");
      expect(logged[1]?.[1]).toBeInstanceOf(TypeError);
      expect(String(logged[1]?.[1])).toBe(
        `TypeError: Cannot read properties of ${thrown} (reading 'toString')`,
      );
    },
  );

  it('calls toString() itself, as Electron does, rather than converting with String()', async () => {
    const emptyText = { toString: () => '' };
    const zero = { toString: () => 0 };
    const number = { toString: () => 42 };
    const primitiveOnly = { [Symbol.toPrimitive]: () => 'via toPrimitive', toString: () => 'via toString' };
    expect((await invokeThrowing(emptyText)).settled).toEqual({ resolved: undefined });
    expect((await invokeThrowing(zero)).settled).toEqual({ resolved: undefined });
    expect((await invokeThrowing(number)).settled).toEqual({
      rejected: "Error invoking remote method 'ch': 42",
    });
    expect((await invokeThrowing(primitiveOnly)).settled).toEqual({
      rejected: "Error invoking remote method 'ch': via toString",
    });
  });

  it("answers 'reply was never sent' when toString() is missing or throws", async () => {
    const bare = Object.create(null);
    const hostile = {
      toString() {
        throw new RangeError('no');
      },
    };
    for (const thrown of [bare, hostile]) {
      const { settled, logged } = await invokeThrowing(thrown);
      expect(settled).toEqual({ rejected: "Error invoking remote method 'ch': reply was never sent" });
      expect(logged).toHaveLength(2);
    }
  });

  it('keeps the usual text for Error objects and strings', async () => {
    expect((await invokeThrowing(new TypeError('bad'))).settled).toEqual({
      rejected: "Error invoking remote method 'ch': TypeError: bad",
    });
    expect((await invokeThrowing('plain', 'reject')).settled).toEqual({
      rejected: "Error invoking remote method 'ch': plain",
    });
  });
});
