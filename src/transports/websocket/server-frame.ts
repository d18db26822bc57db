/**
 * One binary WebSocket message from a server (RFC 6455, section 5.2: FIN set, opcode 2, unmasked),
 * header and payload in one buffer, for one write to the connection's stream. `ws`'s own `send`
 * writes a header and the payload as two buffers (a writev) and does more per call (docs/performance.md,
 * "What makes it fast").
 */
export function binaryServerFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, header);
  return frame;
}
