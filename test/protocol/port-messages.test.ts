import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../src/protocol/message-codec.js';
import { MessageKind } from '../../src/protocol/messages.js';
import { codeOf, decodeHex } from './hostile-bytes.js';

/* The MessagePort kinds (14, 15, 16, 42, 43, 44) from a hostile peer. */

describe('MessagePort messages', () => {
  it('refuse a port id of the other side’s parity (renderers create even ids, main odd ones)', () => {
    // postMessage towards main naming port 1 (odd: only main creates those)
    expect(codeOf(() => decodeHex('0e 01 04 70 01 01 01', 'main'))).toBe('ERR_IPC_PROTOCOL');
    // the same towards the renderer naming port 2
    expect(codeOf(() => decodeHex('2a 01 04 70 01 02 01', 'renderer'))).toBe('ERR_IPC_PROTOCOL');
    // a port message transferring port 3 towards main
    expect(codeOf(() => decodeHex('0f 01 02 01 03 01', 'main'))).toBe('ERR_IPC_PROTOCOL');
    // native references (0) are fine both ways
    expect(decodeHex('0e 01 04 70 01 00 01', 'main')[0]).toMatchObject({ ports: [0] });
    expect(decodeHex('2a 01 04 70 01 00 01', 'renderer')[0]).toMatchObject({ ports: [0] });
  });

  it('refuse port 0 as the port a message travels on or closes', () => {
    expect(codeOf(() => decodeHex('0f 01 00 00 01', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('10 01 00', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('2c 01 00', 'renderer'))).toBe('ERR_IPC_DECODE');
  });

  it('refuse a port list longer than the bytes left, before allocating it', () => {
    // count 2^28 with four bytes left
    expect(codeOf(() => decodeHex('0e 01 04 70 80 80 80 80 01 02 02 02 01', 'main'))).toBe('ERR_IPC_DECODE');
  });

  it('charge port lists to the allocation budget', () => {
    const ports = Array.from({ length: 200 }, (_, i) => 2 * (i + 1));
    const bytes = encodeMessage({
      kind: MessageKind.RendererPostMessage,
      seq: 1,
      channel: 'p',
      message: 0,
      ports,
    });
    const limits = { ...DEFAULT_LIMITS, maxAllocations: 100 };
    expect(codeOf(() => decodeFrame(encodeFrame([bytes]), 'main', limits))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('travel one way only', () => {
    expect(codeOf(() => decodeHex('2b 01 01 00 01', 'main'))).toBe('ERR_IPC_PROTOCOL');
    expect(codeOf(() => decodeHex('0f 01 02 00 01', 'renderer'))).toBe('ERR_IPC_PROTOCOL');
  });

  it('round-trip any port list and message', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2 ** 31 }), { maxLength: 20 }),
        fc.string(),
        fc.jsonValue(),
        fc.boolean(),
        (raw, channel, message, towardsMain) => {
          // Renderers create even ids, main odd ones; 0 is a native port.
          const fixed = raw.map((n) => (n === 0 ? 0 : towardsMain ? 2 * n : 2 * n - 1));
          const sent = towardsMain
            ? ({ kind: MessageKind.RendererPostMessage, seq: 3, channel, message, ports: fixed } as const)
            : ({ kind: MessageKind.MainPostMessage, seq: 3, channel, message, ports: fixed } as const);
          const receiver = towardsMain ? 'main' : 'renderer';
          const [decoded] = decodeFrame(encodeFrame([encodeMessage(sent)]), receiver, DEFAULT_LIMITS);
          expect(decoded).toEqual(sent);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });
});
