import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import {
  decodeFrame,
  encodeFrame,
  encodeMessage,
  encodeMessageFrame,
} from '../../../src/protocol/message-codec.js';
import { MessageKind } from '../../../src/protocol/messages.js';
import { cloneEqual } from '../codec/clone-equal.js';
import { frameFixtures, messageFixtures } from './all-fixtures.js';
import { fromHex, normalizeHex, toHex } from './hex.js';

/* Every message kind and a few frames, pinned by bytes (docs/protocol.md, "Messages" and "Frames"). */
describe('golden messages', () => {
  it.each(messageFixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const hex = normalizeHex(f.hex);
    expect(toHex(encodeMessage(f.message)), 'encodeMessage gives the fixture').toBe(hex);
    const bytes = fromHex(f.hex);
    const frame = encodeFrame([bytes]);
    expect(toHex(encodeMessageFrame(f.message)), 'encodeMessageFrame: length prefix + message').toBe(
      toHex(frame),
    );
    const sizes: number[] = [];
    const decoded = decodeFrame(frame, f.receiver, DEFAULT_LIMITS, sizes);
    expect(sizes).toEqual([bytes.length]);
    expect(decoded).toHaveLength(1);
    expect(cloneEqual(decoded[0], structuredClone(f.message)), 'decode gives the message').toBeNull();
    expect(toHex(encodeMessage(decoded[0]!)), 'decode then encode gives the same bytes').toBe(hex);
  });

  it.each(frameFixtures.map((f) => [f.name, f] as const))('frame: %s', (_name, f) => {
    const hex = normalizeHex(f.hex);
    expect(toHex(encodeFrame(f.messages.map(encodeMessage))), 'encodeFrame gives the fixture').toBe(hex);
    const decoded = decodeFrame(fromHex(f.hex), f.receiver, DEFAULT_LIMITS);
    expect(cloneEqual(decoded, structuredClone(f.messages)), 'decode gives the messages').toBeNull();
    expect(toHex(encodeFrame(decoded.map(encodeMessage))), 'decode then encode: same bytes').toBe(hex);
  });

  it('every message kind has a fixture, and each fixture travels the way its kind does', () => {
    const kinds = new Set(messageFixtures.map((f) => f.message.kind));
    const missing = Object.entries(MessageKind).filter(([, kind]) => !kinds.has(kind));
    expect(missing.map(([name]) => name)).toEqual([]);
    for (const f of messageFixtures) {
      expect(f.receiver, f.name).toBe(f.message.kind < MessageKind.Hello ? 'main' : 'renderer');
    }
    const names = [...messageFixtures, ...frameFixtures].map((f) => f.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
