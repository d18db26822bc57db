import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkReassembly } from '../../../src/core/shared/chunk-reassembly.js';
import { CHUNK_BYTES, ChunkStream } from '../../../src/core/shared/chunk-stream.js';
import { SequencedLink } from '../../../src/core/shared/sequenced-link.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import {
  MessageKind,
  type RendererToMainChunk,
  type RendererToMainMessage,
} from '../../../src/protocol/messages.js';

const idle = { sendBacklog: 0 };

/** Streams `message` as chunks numbered from `seq` and returns the decoded chunk messages. */
function chunksOf(message: Uint8Array, seq: number, all = true): RendererToMainChunk[] {
  const frames: Uint8Array[] = [];
  const stream = new ChunkStream(message, seq, MessageKind.RendererChunk, idle, undefined);
  while (!stream.pump({ send: (frame) => frames.push(frame) }, all));
  return frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS) as RendererToMainChunk[]);
}

function reassemble(chunks: readonly RendererToMainChunk[]): Uint8Array {
  const first = ChunkReassembly.start(chunks[0]!.total, chunks[0]!.seq, 1 << 30);
  if (first instanceof IpcError) throw first;
  for (const chunk of chunks) expect(first.add(chunk.data)).toBeUndefined();
  expect(first.complete).toBe(true);
  return first.bytes;
}

describe('ChunkStream and ChunkReassembly', () => {
  it('numbers chunks from the message seq, total only on the first, byte-identical joined', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * CHUNK_BYTES + 7 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.boolean(),
        (size, seq, all) => {
          const message = new Uint8Array(size);
          for (let i = 0; i < size; i += 97) message[i] = (i * 31) & 255;
          const chunks = chunksOf(message, seq, all);
          expect(chunks).toHaveLength(ChunkStream.countFor(size));
          expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => seq + i));
          expect(chunks.map((c) => c.total)).toEqual(chunks.map((_, i) => (i === 0 ? size : 0)));
          expect(Buffer.compare(reassemble(chunks), message)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a paced pump sends a turn at a time, and waits while the transport is behind', () => {
    const frames: Uint8Array[] = [];
    const pacer = { sendBacklog: 0 };
    const stream = new ChunkStream(
      new Uint8Array(5 * CHUNK_BYTES),
      1,
      MessageKind.RendererChunk,
      pacer,
      undefined,
    );
    expect(stream.pump({ send: (f) => frames.push(f) }, false)).toBe(false);
    expect(frames).toHaveLength(2);
    pacer.sendBacklog = 4 * CHUNK_BYTES;
    expect(stream.pump({ send: (f) => frames.push(f) }, false)).toBe(false);
    expect(frames).toHaveLength(2);
    pacer.sendBacklog = 0;
    expect(stream.pump({ send: (f) => frames.push(f) }, true)).toBe(true);
    expect(frames).toHaveLength(5);
  });

  it('tells upload progress per chunk, non-decreasing, ending at the total', () => {
    const seen: number[] = [];
    const stream = new ChunkStream(
      new Uint8Array(2 * CHUNK_BYTES + 1),
      1,
      MessageKind.RendererChunk,
      idle,
      (p) => {
        expect(p.phase).toBe('upload');
        expect(p.total).toBe(2 * CHUNK_BYTES + 1);
        seen.push(p.bytes);
      },
    );
    stream.pump({ send: () => {} }, true);
    expect(seen).toEqual([CHUNK_BYTES, 2 * CHUNK_BYTES, 2 * CHUNK_BYTES + 1]);
  });

  it('refuses a chunk without a start, a total over maxPayload, and overflow of the total', () => {
    const noStart = ChunkReassembly.start(0, 1, 1000);
    expect(noStart).toBeInstanceOf(IpcError);
    expect((noStart as IpcError).code).toBe(IpcErrorCode.Protocol);
    const tooLarge = ChunkReassembly.start(1001, 1, 1000);
    expect((tooLarge as IpcError).code).toBe(IpcErrorCode.LimitExceeded);
    const open = ChunkReassembly.start(10, 1, 1000) as ChunkReassembly;
    expect(open.add(new Uint8Array(6))).toBeUndefined();
    expect(open.add(new Uint8Array(5))?.code).toBe(IpcErrorCode.Protocol);
  });
});

/** A link that only receives, to drive `unchunk` as a session does after `receive`. */
class Receiving extends SequencedLink<'main'> {
  constructor() {
    super('main', { ...DEFAULT_LIMITS, maxPayload: 1 << 20 });
  }
  protected get peerName(): string {
    return 'WebContents #1';
  }
  take(message: RendererToMainMessage) {
    return this.unchunk(message);
  }
}

const chunk = (seq: number, total: number, bytes: number[]): RendererToMainMessage => ({
  kind: MessageKind.RendererChunk,
  seq,
  total,
  data: new Uint8Array(bytes),
});

describe('a link receiving chunks (hostile input)', () => {
  const send = encodeMessage({ kind: MessageKind.Send, seq: 4, channel: 'c', args: [1] });

  it('dispatches the reassembled message with its own number, after its last chunk', () => {
    const link = new Receiving();
    const head = [...send.subarray(0, 3)];
    expect(link.take(chunk(4, send.length, head))).toBeUndefined();
    const whole = link.take(chunk(5, 0, [...send.subarray(3)]));
    expect(whole).toMatchObject({ kind: MessageKind.Send, seq: 4, channel: 'c', args: [1] });
    const next: RendererToMainMessage = { kind: MessageKind.Send, seq: 6, channel: 'd', args: [] };
    expect(link.take(next)).toBe(next);
  });

  it.each([
    ['a chunk without a start', [chunk(1, 0, [1])], IpcErrorCode.Protocol],
    ['a total above maxPayload', [chunk(1, (1 << 20) + 1, [1])], IpcErrorCode.LimitExceeded],
    ['more bytes than announced', [chunk(1, 2, [1]), chunk(2, 0, [1, 2])], IpcErrorCode.Protocol],
    ['a new start while one is open', [chunk(1, 5, [1]), chunk(2, 5, [1])], IpcErrorCode.Protocol],
    [
      'another message inside a chunked one',
      [chunk(1, 5, [1]), { kind: MessageKind.Send, seq: 2, channel: 'c', args: [] } as RendererToMainMessage],
      IpcErrorCode.Protocol,
    ],
    ['a chunked message numbered otherwise', [chunk(3, send.length, [...send])], IpcErrorCode.Protocol],
  ])('refuses %s with a coded error', (_what, messages, code) => {
    const link = new Receiving();
    const results = messages.map((message) => link.take(message));
    const last = results.at(-1);
    expect(last).toBeInstanceOf(IpcError);
    expect((last as IpcError).code).toBe(code);
    for (const result of results.slice(0, -1)) expect(result).toBeUndefined();
  });
});
