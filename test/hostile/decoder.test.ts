import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../dist/protocol/limits.js';
import { decodeFrame } from '../../dist/protocol/message-codec.js';
import { openRaw, type RawSocket, within } from './attackers.js';
import { arrayOf, bigIntArgs, Element, sendFrame, sparseArray } from './frames.js';
import { expectLoggedReason, expectMainUnharmed, helloIdOf, hostileSuite, underAttack } from './harness.js';

/*
 * Issue #12, rows 3 and 4: decoding must cost memory and time in proportion to the bytes received,
 * and no single message may stall main for the other renderers.
 */

const suite = hostileSuite();
const MiB = 1024 * 1024;
/** How long the attacking connection may take to be closed once its frame is in. */
const REFUSAL_WITHIN_MS = 3_000;
/**
 * How long the round trips are watched after the attack's last byte: the unfixed decodes took seconds;
 * a refused connection is already closed, so less is enough there.
 */
const WATCH_AFTER_MS = 1_500;
const WATCH_AFTER_REFUSAL_MS = 500;

/**
 * Sends `frames` on a fresh raw connection under watch; with `awaitClose`, the attack lasts until that
 * connection is closed (and the result says how).
 */
async function attackWith(frames: readonly Uint8Array[], awaitClose: boolean) {
  const target = await suite.start();
  const raw = await openRaw(target.child.url);
  const id = helloIdOf(raw);
  const report = await underAttack(
    target,
    async () => {
      for (const frame of frames) {
        if (raw.socket.readyState !== raw.socket.OPEN) break;
        await raw.send(frame);
      }
      return awaitClose ? describeClose(raw) : 'sent';
    },
    { settleMs: awaitClose ? WATCH_AFTER_REFUSAL_MS : WATCH_AFTER_MS },
  );
  raw.socket.terminate();
  return { target, report, id };
}

async function describeClose(raw: RawSocket): Promise<string> {
  const closed = await within(raw.closed, REFUSAL_WITHIN_MS);
  return closed === 'timeout' || !('value' in closed)
    ? 'left open'
    : `closed ${closed.value.code} ${closed.value.reason}`;
}

describe('hostile: decoder budgets (rows 3, 4)', () => {
  it('the hand-made frames are what they claim (small copies decode to the intended values)', () => {
    const decode = (frame: Uint8Array) => decodeFrame(frame, 'main', DEFAULT_LIMITS)[0] as { args: unknown };
    expect(decode(sendFrame(1, 'sink', arrayOf(3, Element.emptyMap))).args).toEqual([
      new Map(),
      new Map(),
      new Map(),
    ]);
    expect(decode(sendFrame(1, 'sink', arrayOf(2, Element.emptySet))).args).toEqual([new Set(), new Set()]);
    expect(decode(sendFrame(1, 'sink', arrayOf(2, Element.emptyObject))).args).toEqual([{}, {}]);
    expect(decode(sendFrame(1, 'sink', arrayOf(1, Element.emptyArrayBuffer))).args).toEqual([
      new ArrayBuffer(0),
    ]);
    const errors = decode(sendFrame(1, 'sink', arrayOf(2, Element.error))).args as unknown[];
    expect(errors.map((e) => e instanceof Error)).toEqual([true, true]);
    const sparse = sendFrame(100, 'sink', sparseArray(2 ** 25 - 1));
    expect(sparse.byteLength).toBe(15);
    expect((decode(sendFrame(1, 'sink', sparseArray(10))).args as unknown[]).length).toBe(10);
    expect(decode(sendFrame(1, 'sink', bigIntArgs(2))).args).toEqual([0xffffn]);
  });

  // Row 3: the unfixed decoder grew the heap 95x (Map), 79x (Set), 47x (ArrayBuffer), 31x ({}) per byte.
  it.each([
    // Over main's default maxPayload (16 MiB): the WebSocket layer refuses it at the frame header, with
    // close 1009 and no reason text of ours (ws sends its close before main hears of it).
    {
      what: 'a 60 MiB frame of empty Maps',
      element: Element.emptyMap,
      bytes: 60 * MiB,
      closedAt: /^closed 1009 $/,
    },
    { what: 'a 16 MiB frame of empty Maps', element: Element.emptyMap, bytes: 16 * MiB },
    { what: 'a 16 MiB frame of empty Sets', element: Element.emptySet, bytes: 16 * MiB },
    { what: 'a 16 MiB frame of empty objects', element: Element.emptyObject, bytes: 16 * MiB },
    { what: 'a 16 MiB frame of empty ArrayBuffers', element: Element.emptyArrayBuffer, bytes: 16 * MiB },
  ])(
    'row 3: $what is refused with ERR_IPC_LIMIT_EXCEEDED before it is built; RSS stays bounded',
    async ({ element, bytes, closedAt = /^closed 100[89] ERR_IPC_LIMIT_EXCEEDED/ }) => {
      const frame = sendFrame(1, 'sink', arrayOf(Math.floor(bytes / element.length), element));
      const { target, report, id } = await attackWith([frame], true);
      await expectMainUnharmed(target, report);
      expect.soft(report.result, 'the attacking connection is closed with a coded reason').toMatch(closedAt);
      await expectLoggedReason(target.child, id, 'ERR_IPC_LIMIT_EXCEEDED');
    },
  );

  // Row 4: the unfixed decoder blocked main's loop 3.8 s, 13.7 s and 27 s on these.
  it.each([
    {
      what: 'a 1 MiB frame of Error objects',
      frames: () => [sendFrame(1, 'sink', arrayOf(Math.floor(MiB / Element.error.length), Element.error))],
    },
    {
      what: '100 frames of 15 bytes, each a sparse array of length 2^25-1',
      frames: () => Array.from({ length: 100 }, (_, i) => sendFrame(i + 1, 'sink', sparseArray(2 ** 25 - 1))),
    },
    { what: 'a 60 MiB BigInt', frames: () => [sendFrame(1, 'sink', bigIntArgs(60 * MiB))] },
  ])("row 4: $what does not stall the other renderers' round trips", async ({ frames }) => {
    const { target, report } = await attackWith(frames(), false);
    await expectMainUnharmed(target, report);
  });
});
