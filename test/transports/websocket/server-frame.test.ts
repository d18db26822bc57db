import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: ws exports its parser without type declarations
import { Receiver } from 'ws';
import { binaryServerFrame } from '../../../src/transports/websocket/server-frame.js';

/** `ws`'s own parser, as a client uses it: what it makes of one frame. */
function parseAsClient(frame: Buffer): { data: Buffer; isBinary: boolean } {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  const errors: Error[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  receiver.on('error', (error: Error) => errors.push(error));
  receiver.write(frame);
  expect(errors).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe('binaryServerFrame', () => {
  it('is one binary message to a client at every header size boundary', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const payload = new Uint8Array(length).map((_, i) => (i * 7) & 255);
      const frame = binaryServerFrame(payload);
      const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
      expect(frame.byteLength).toBe(header + length);
      const { data, isBinary } = parseAsClient(frame);
      expect(isBinary).toBe(true);
      expect(new Uint8Array(data)).toEqual(payload);
    }
  });

  it('carries any payload, from any view, byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.nat(16), (bytes, offset) => {
        // A view into a larger buffer, as the outbox lends its own.
        const backing = new Uint8Array(offset + bytes.length + 3);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        const { data } = parseAsClient(binaryServerFrame(view));
        expect(new Uint8Array(data)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
});
