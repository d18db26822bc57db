/**
 * WebSocket frames (RFC 6455, section 5.2) built here instead of by `ws`, header and payload in one
 * buffer for one write to the connection's stream. `ws`'s `send` writes a header and the payload as
 * two buffers (a writev) on a server, and goes through more code per call on both ends
 * (docs/performance.md, "What makes it fast"). Binary messages of one frame each (FIN set, opcode 2).
 */

/** Bytes of a header for `length` bytes of payload, without a masking key. */
function headerBytes(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes the header (`masked`: with the mask bit; the key is the caller's) and returns its length. */
function writeHeader(frame: Buffer, length: number, masked: boolean): number {
  const header = headerBytes(length);
  const maskBit = masked ? 0x80 : 0;
  frame[0] = 0x82;
  if (header === 2) frame[1] = maskBit | length;
  else if (header === 4) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return header;
}

/** A server's binary message: unmasked. */
export function binaryServerFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const frame = Buffer.allocUnsafe(headerBytes(length) + length);
  frame.set(payload, writeHeader(frame, length, false));
  return frame;
}

/**
 * A client's binary message, masked with the 4-byte key `mask` (which must come from a strong source
 * of randomness, as the RFC asks). The masking is a plain loop: meant for small payloads, where `ws`
 * too masks in JavaScript.
 */
export function binaryClientFrame(payload: Uint8Array, mask: Uint8Array): Buffer {
  const length = payload.byteLength;
  const frame = Buffer.allocUnsafe(headerBytes(length) + 4 + length);
  let pos = writeHeader(frame, length, true);
  frame.set(mask.subarray(0, 4), pos);
  pos += 4;
  for (let i = 0; i < length; i++) frame[pos + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}
