import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../src/protocol/message-codec.js';
import { MessageKind } from '../../src/protocol/messages.js';
import { codeOf, decodeHex } from './hostile-bytes.js';

/* The page lifecycle kinds (11, 12, 13, 40, 41) from a hostile peer: every field is checked. */

describe('page lifecycle messages', () => {
  it('refuses an unknown page event, console level, script outcome or page command', () => {
    expect(codeOf(() => decodeHex('0b 01 07 00 00 00 00', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('0b 01 00 00 00 00 00', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('0c 01 04 00 00 00', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('0d 01 01 03 00', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('29 01 05 00 00', 'renderer'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('28 01 01 02 00', 'renderer'))).toBe('ERR_IPC_DECODE');
  });

  it('refuses a load token that is not a secret token', () => {
    // loadToken: header 1 * 4 + Latin1, "x"
    expect(codeOf(() => decodeHex('0b 01 01 00 00 00 04 78', 'main'))).toBe('ERR_IPC_DECODE');
    expect(codeOf(() => decodeHex('29 01 02 00 04 78', 'renderer'))).toBe('ERR_IPC_DECODE');
  });

  it('travels one way only: a page cannot send main a page command, nor main a page state', () => {
    expect(codeOf(() => decodeHex('29 01 01 00 00', 'main'))).toBe('ERR_IPC_PROTOCOL');
    expect(codeOf(() => decodeHex('0b 01 01 00 00 00 00', 'renderer'))).toBe('ERR_IPC_PROTOCOL');
  });

  it('round-trips a thrown Error with its name and message', () => {
    const error = new RangeError('too far');
    const [decoded] = decodeFrame(
      encodeFrame([
        encodeMessage({ kind: MessageKind.ScriptResult, seq: 1, id: 4, outcome: 1, value: error }),
      ]),
      'main',
      DEFAULT_LIMITS,
    );
    expect(decoded).toMatchObject({ kind: MessageKind.ScriptResult, id: 4, outcome: 1 });
    const value = (decoded as { value: unknown }).value;
    expect(value).toBeInstanceOf(RangeError);
    expect((value as Error).message).toBe('too far');
  });
});
