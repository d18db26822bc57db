import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkReassembly } from '../../../src/core/shared/chunk-reassembly.js';
import { CHUNK_BYTES, ChunkStream } from '../../../src/core/shared/chunk-stream.js';
import { SequencedLink } from '../../../src/core/shared/sequenced-link.js';
import { SPAN_MIN_BYTES } from '../../../src/protocol/codec/binary-spans.js';
import { ByteWriter } from '../../../src/protocol/codec/byte-writer.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import {
  decodeFrame,
  encodeFrame,
  encodeMessage,
  writeMessage,
} from '../../../src/protocol/message-codec.js';
import {
  MessageKind,
  type RendererToMainChunk,
  type RendererToMainMessage,
} from '../../../src/protocol/messages.js';
import { fromHex } from '../../protocol/golden/hex.js';

const idle = { sendBacklog: 0, awaitingAcks: false };

/** Streams `message` as chunks numbered from `seq` and returns the decoded chunk messages. */
function chunksOf(message: Uint8Array, seq: number, all = true, spans: number[] = []): RendererToMainChunk[] {
  const frames: Uint8Array[] = [];
  const stream = new ChunkStream(message, spans, seq, MessageKind.RendererChunk, idle, undefined);
  while (!stream.pump({ send: (frame) => frames.push(frame) }, all));
  return frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS) as RendererToMainChunk[]);
}

function reassembly(chunks: readonly RendererToMainChunk[]): ChunkReassembly {
  const first = ChunkReassembly.start(chunks[0]!.total, chunks[0]!.seq, 1 << 30, chunks[0]!.spans);
  if (first instanceof IpcError) throw first;
  for (const chunk of chunks) expect(first.add(chunk.data)).toBeUndefined();
  expect(first.complete).toBe(true);
  return first;
}

const reassemble = (chunks: readonly RendererToMainChunk[]): Uint8Array => reassembly(chunks).bytes;

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
    const pacer = { sendBacklog: 0, awaitingAcks: false };
    const stream = new ChunkStream(
      new Uint8Array(5 * CHUNK_BYTES),
      [],
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
      [],
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

  it('puts the bytes of spans in buffers of their own and the rest in place, for any chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: CHUNK_BYTES }), fc.integer({ min: 0, max: CHUNK_BYTES })),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.integer({ min: 1, max: CHUNK_BYTES }),
        (layout, tail) => {
          // Gaps and span lengths (each span at least SPAN_MIN_BYTES), then a tail after the last span.
          const spans: number[] = [];
          let size = 0;
          for (const [gap, extra] of layout) {
            spans.push(size + gap, SPAN_MIN_BYTES + extra);
            size += gap + SPAN_MIN_BYTES + extra;
          }
          size += tail;
          const message = new Uint8Array(size);
          for (let i = 0; i < size; i += 13) message[i] = (i * 7) & 255;
          const chunks = chunksOf(message, 1, true, spans);
          expect(chunks[0]!.spans).toEqual(spans);
          const done = reassembly(chunks);
          const filled = done.filledSpans()!;
          // Each span is keyed by where it was cut out of `bytes`, which holds everything else in order.
          const outside: Uint8Array[] = [];
          let from = 0;
          let cut = 0;
          const keys: number[] = [];
          for (let i = 0; i < spans.length; i += 2) {
            const [at, length] = [spans[i]!, spans[i + 1]!];
            keys.push(at - cut);
            expect(
              Buffer.compare(new Uint8Array(filled.get(at - cut)!), message.subarray(at, at + length)),
            ).toBe(0);
            outside.push(message.subarray(from, at));
            from = at + length;
            cut += length;
          }
          outside.push(message.subarray(from));
          expect([...filled.keys()]).toEqual(keys);
          expect(done.total).toBe(size);
          expect(Buffer.compare(done.bytes, Buffer.concat(outside))).toBe(0);
        },
      ),
      { numRuns: 20 },
    );
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
  constructor(maxPayload = 1 << 20) {
    super('main', { ...DEFAULT_LIMITS, maxPayload });
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

describe('a chunked message with spans', () => {
  const big = new Uint8Array(SPAN_MIN_BYTES + 5).map((_, i) => (i * 11) & 255);
  const message = {
    kind: MessageKind.Send,
    seq: 1,
    channel: 'file',
    args: [big, 'between', new Uint8Array(3), Buffer.from(big.subarray(1))],
  } as const;

  /** The message encoded as a sender's outbox does it, with the spans its writer noted. */
  function encoded(): { bytes: Uint8Array; spans: number[] } {
    const writer = new ByteWriter();
    writer.spans = null;
    writeMessage(writer, message as unknown as RendererToMainMessage);
    const spans = [...(writer.spans ?? [])];
    return { bytes: writer.finish().slice(), spans };
  }

  it('lists each large ArrayBuffer, and the receiver decodes them from their own buffers', () => {
    const { bytes, spans } = encoded();
    // The Uint8Array's buffer and the Buffer's own bytes; not the 3-byte array.
    expect(spans).toHaveLength(4);
    expect(spans[1]).toBe(big.byteLength);
    expect(spans[3]).toBe(big.byteLength - 1);
    const link = new Receiving(4 << 20);
    const chunks = chunksOf(bytes, 1, true, spans);
    const results = chunks.map((chunk) => link.take(chunk));
    const whole = results.at(-1) as { args: unknown[] };
    expect(whole).toMatchObject({ kind: MessageKind.Send, seq: 1, channel: 'file' });
    const [first, text, small, buffer] = whole.args as [Uint8Array, string, Uint8Array, Uint8Array];
    expect(Buffer.compare(first, big)).toBe(0);
    expect([first.byteOffset, first.buffer.byteLength]).toEqual([0, big.byteLength]);
    expect(text).toBe('between');
    expect(small).toEqual(new Uint8Array(3));
    expect(Buffer.compare(buffer, big.subarray(1))).toBe(0);
    expect(Object.getPrototypeOf(buffer)).toBe(Uint8Array.prototype);
  });

  it.each([
    ['a span shifted by a byte', (spans: number[]) => [spans[0]! + 1, ...spans.slice(1)]],
    ['a span one byte short', (spans: number[]) => [spans[0]!, spans[1]! - 1, ...spans.slice(2)]],
  ])('refuses %s: the decoder finds no ArrayBuffer of that length there', (_what, alter) => {
    const { bytes, spans } = encoded();
    const link = new Receiving(4 << 20);
    const results = chunksOf(bytes, 1, true, alter(spans)).map((chunk) => link.take(chunk));
    const error = results.at(-1);
    expect(error).toBeInstanceOf(IpcError);
    // The bytes the decoder meets in place of the span's are zeros: a decode error, or the listed span
    // was never taken.
    expect([IpcErrorCode.Protocol, IpcErrorCode.Decode]).toContain((error as IpcError).code);
  });

  it('takes a value whose spans are not all listed (those buffers are copied as usual)', () => {
    const { bytes, spans } = encoded();
    const link = new Receiving(4 << 20);
    const results = chunksOf(bytes, 1, true, spans.slice(0, 2)).map((chunk) => link.take(chunk));
    const buffer = (results.at(-1) as { args: Uint8Array[] }).args[3]!;
    expect(Buffer.compare(buffer, big.subarray(1))).toBe(0);
  });

  it.each([
    ['more spans than the total allows', '2d 01 80 80 10 02 01 80 80 10 01 80 80 10 ff'],
    ['a span shorter than the minimum', '2d 01 80 80 20 01 00 01 ff'],
    ['overlapping spans', '2d 01 80 80 20 02 01 80 80 10 01 80 80 10 ff'],
    // A receiver cuts spans out of its buffer, so two that touch would be cut at the same place.
    ['spans that touch', '2d 01 80 80 40 02 01 80 80 10 81 80 10 80 80 10 ff'],
    ['a span at the message kind', '2d 01 80 80 20 01 00 80 80 10 ff'],
    ['a span past the total', '2d 01 80 80 20 01 80 80 10 81 80 10 ff'],
    ['a span count the chunk cannot hold', '2d 01 80 80 80 80 01 ff 07 ff'],
  ])('a first chunk with %s is a protocol error', (_what, hex) => {
    const bytes = fromHex(hex);
    expect(() => decodeFrame(encodeFrame([bytes]), 'renderer', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: IpcErrorCode.Protocol }),
    );
  });
});
