import { randomFillSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: ws exports its parser without type declarations
import { Receiver } from 'ws';
import { binaryClientFrame, binaryServerFrame } from '../../../src/transports/websocket/direct-frames.js';

/** `ws`'s own parser on the receiving end (`isServer`: a server reading a client's frame). */
function parse(frame: Buffer, isServer: boolean): Uint8Array {
  const receiver = new Receiver({ isServer, maxPayload: 0 });
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  const errors: Error[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  receiver.on('error', (error: Error) => errors.push(error));
  receiver.write(frame);
  expect(errors).toEqual([]);
  expect(messages).toHaveLength(1);
  expect(messages[0]!.isBinary).toBe(true);
  return new Uint8Array(messages[0]!.data);
}

const mask = () => randomFillSync(new Uint8Array(4));
const BOUNDARIES = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

describe('frames written around ws', () => {
  it('are one binary message at every header size boundary', () => {
    for (const length of BOUNDARIES) {
      const payload = new Uint8Array(length).map((_, i) => (i * 7) & 255);
      const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
      const fromServer = binaryServerFrame(payload);
      expect(fromServer.byteLength).toBe(header + length);
      expect(parse(fromServer, false)).toEqual(payload);
      const fromClient = binaryClientFrame(payload, mask());
      expect(fromClient.byteLength).toBe(header + 4 + length);
      expect(parse(fromClient, true)).toEqual(payload);
    }
  });

  it('a client frame is masked: its payload bytes are not the plain ones', () => {
    const payload = new Uint8Array(64).fill(0x41);
    const frame = binaryClientFrame(payload, Uint8Array.of(1, 2, 3, 4));
    expect(frame[1]! & 0x80).toBe(0x80);
    expect([...frame.subarray(6, 10)]).toEqual([0x40, 0x43, 0x42, 0x45]);
  });

  it('carry any payload, from any view, byte for byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.nat(16),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (bytes, offset, key) => {
          // A view into a larger buffer, as the outbox lends its own.
          const backing = new Uint8Array(offset + bytes.length + 3);
          backing.set(bytes, offset);
          const view = backing.subarray(offset, offset + bytes.length);
          expect(parse(binaryServerFrame(view), false)).toEqual(bytes);
          expect(parse(binaryClientFrame(view, key), true)).toEqual(bytes);
        },
      ),
      { numRuns: 200 },
    );
  });
});
