import { describe, expect, it } from 'vitest';
import { encodeMessageFrame } from '../../dist/protocol/message-codec.js';
import { MessageKind } from '../../dist/protocol/messages.js';
import { LIMIT_PROTOCOL_PREFIX } from '../../dist/transports/websocket/wire.js';
import { handshake, honestProtocols, openRaw, waitFor, within } from './attackers.js';
import { expectLoggedReason, expectMainUnharmed, helloIdOf, hostileSuite, underAttack } from './harness.js';

/*
 * Issue #12, rows 1, 2 and 9: limits a renderer announces must never become an exception that takes
 * main down or stops an application's loop. The offending connection alone is refused or closed with
 * a coded reason.
 */

const suite = hostileSuite();
/** How long a refused connection may take to be closed. */
const CLOSE_WITHIN_MS = 2_000;
/** A coded close: 1008 (policy) or 1009 (too big), with the error code first in the reason. */
const CODED_CLOSE = /^closed 100[89] ERR_IPC_[A-Z_]+/;

describe('hostile: limits a renderer announces (rows 1, 2, 9)', () => {
  it('row 1: handshakes announcing limit.1 .. limit.7 are refused (400) or closed with a coded reason', async () => {
    const target = await suite.start();
    const report = await underAttack(target, async () => {
      const outcomes: string[] = [];
      for (let n = 1; n <= 7; n++) {
        const protocols = [...honestProtocols(), `${LIMIT_PROTOCOL_PREFIX}${n}`];
        const result = await handshake(target.child.url, { protocols });
        if ('refused' in result) {
          outcomes.push(`HTTP ${result.refused}`);
          continue;
        }
        const closed = await within(result.open.closed, CLOSE_WITHIN_MS);
        outcomes.push(
          closed === 'timeout' || !('value' in closed)
            ? 'left open'
            : `closed ${closed.value.code} ${closed.value.reason}`,
        );
        result.open.socket.terminate();
      }
      return outcomes;
    });
    await expectMainUnharmed(target, report);
    expect(report.attackError, 'the attacker could complete all 7 handshakes').toBeUndefined();
    expect(report.result).toHaveLength(7);
    for (const [i, outcome] of (report.result ?? []).entries()) {
      expect.soft(outcome, `limit.${i + 1}`).toMatch(new RegExp(`^HTTP 400$|${CODED_CLOSE.source}`));
    }
  });

  it('row 2: a Limits message of maxPayload 1, then an invoke to a channel with no handler, closes that connection with a coded, logged reason', async () => {
    const target = await suite.start();
    const raw = await openRaw(target.child.url);
    const id = helloIdOf(raw);
    const report = await underAttack(target, async () => {
      await raw.send(encodeMessageFrame({ kind: MessageKind.Limits, seq: 1, maxPayload: 1 }));
      await raw.send(
        encodeMessageFrame({ kind: MessageKind.Invoke, seq: 2, id: 1, channel: 'no-such-channel', args: [] }),
      );
      const closed = await within(raw.closed, CLOSE_WITHIN_MS);
      return closed === 'timeout' || !('value' in closed)
        ? 'left open'
        : `closed ${closed.value.code} ${closed.value.reason}`;
    });
    raw.socket.terminate();
    await expectMainUnharmed(target, report);
    expect.soft(report.result, 'what happened to the attacking connection').toMatch(CODED_CLOSE);
    await expectLoggedReason(target.child, id);
  });

  it("row 2: the library's client with limits.maxPayload 64 is refused before it connects (ERR_IPC_INVALID_ARGUMENT)", async () => {
    const target = await suite.start();
    const report = await underAttack(target, async () => {
      try {
        await suite.renderer(target.child.url, { limits: { maxPayload: 64 } });
        return 'created';
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
    });
    await expectMainUnharmed(target, report);
    // Below the protocol's 1 KiB minimum nothing could be answered; a raw handshake with it gets 400 (row 1).
    expect(report.result).toMatch(
      /^ERR_IPC_INVALID_ARGUMENT: limits\.maxPayload must be a whole number of bytes from 1024/,
    );
  });

  it('row 2: a client accepting 4 KiB that invokes a 16 KiB reply gets ERR_IPC_PAYLOAD_TOO_LARGE on that call and stays connected', async () => {
    const target = await suite.start();
    const report = await underAttack(target, async () => {
      const small = await suite.renderer(target.child.url, { limits: { maxPayload: 4096 } });
      const outcome = await within(small.invoke('reply-of-size', 16 * 1024), CLOSE_WITHIN_MS);
      const after = await within(small.invoke('echo', 'still here'), CLOSE_WITHIN_MS);
      return { outcome, after };
    });
    await expectMainUnharmed(target, report);
    const outcome = report.result?.outcome;
    const error =
      outcome && outcome !== 'timeout' && 'error' in outcome ? (outcome.error as Error) : undefined;
    expect(error, `the invoke rejects (got ${JSON.stringify(outcome)})`).toBeDefined();
    expect(`${(error as { code?: string })?.code ?? ''} ${error?.message}`).toContain(
      'ERR_IPC_PAYLOAD_TOO_LARGE',
    );
    expect(report.result?.after, 'the same client invokes again').toEqual({ value: 'still here' });
  });

  it('row 9: a plain broadcast loop goes past a renderer that announced a tiny limit: the others get it, the tiny one is dropped with an event and a coded log line', async () => {
    const target = await suite.start();
    const { child, healthy, healthyId } = target;
    const tiny = await suite.renderer(child.url, { limits: { maxPayload: 4096 } });
    const tinyId = await tiny.invoke('whoami');
    const after = [await suite.renderer(child.url), await suite.renderer(child.url)];
    const afterIds = await Promise.all(after.map((renderer) => renderer.invoke('whoami')));
    const got = new Map<number, number>();
    for (const [id, renderer] of [
      [healthyId, healthy],
      [afterIds[0], after[0]],
      [afterIds[1], after[1]],
    ] as const) {
      renderer.on('news', () => got.set(id, (got.get(id) ?? 0) + 1));
    }
    const report = await underAttack(target, () =>
      child.request<{ sentTo: number[]; threw: string | null }>('broadcastOnce', { bytes: 16 * 1024 }),
    );
    await expectMainUnharmed(target, report);
    expect(report.result?.threw ?? null, 'the broadcast loop did not throw').toBeNull();
    expect(report.result?.sentTo, 'the loop reached every renderer').toEqual(
      expect.arrayContaining([healthyId, tinyId, ...afterIds]),
    );
    await waitFor(() => got.size === 3, 2_000, 'every other renderer gets the broadcast').catch(() => {});
    expect(Object.fromEntries(got), 'broadcasts received per renderer').toEqual({
      [healthyId]: 1,
      [afterIds[0]!]: 1,
      [afterIds[1]!]: 1,
    });
    const { dropped } = await child.request<{ dropped: { id: number; args: string[] }[] }>('dropped');
    expect
      .soft(
        dropped.some((event) => event.id === tinyId),
        `'ipc-message-dropped' on the tiny renderer's WebContents (#${tinyId}): ${JSON.stringify(dropped)}`,
      )
      .toBe(true);
    await expectLoggedReason(child, tinyId, 'ERR_IPC_PAYLOAD_TOO_LARGE');
  });
});
