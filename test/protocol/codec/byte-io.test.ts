import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, readValue, writeValue } from '../../../src/protocol/codec/index.js';
import { IpcError } from '../../../src/protocol/errors.js';

const runs = Number(process.env.FC_RUNS ?? 1000);

function decodeErrorOf(f: () => unknown): IpcError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IpcError);
    return e as IpcError;
  }
  throw new Error('expected a throw');
}

describe('ByteWriter / ByteReader', () => {
  it('round-trip u8, varuint (up to 2^53-1), f64, strings and raw bytes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
            fc.record({ t: fc.constant('varuint' as const), v: fc.maxSafeNat() }),
            fc.record({ t: fc.constant('f64' as const), v: fc.double() }),
            fc.record({
              t: fc.constant('string' as const),
              v: fc.string({ unit: 'binary', maxLength: 200 }),
            }),
            fc.record({
              t: fc.constant('string' as const),
              v: fc.string({
                unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
                maxLength: 100,
              }),
            }),
            fc.record({ t: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 50 }) }),
          ),
        ),
        (ops) => {
          const w = new ByteWriter();
          for (const op of ops) {
            if (op.t === 'u8') w.u8(op.v);
            else if (op.t === 'varuint') w.varuint(op.v);
            else if (op.t === 'f64') w.f64(op.v);
            else if (op.t === 'string') w.string(op.v);
            else w.bytes(op.v);
          }
          const length = w.length;
          const out = w.finish();
          expect(out.length).toBe(length);
          const r = new ByteReader(out);
          for (const op of ops) {
            if (op.t === 'u8') expect(r.u8()).toBe(op.v);
            else if (op.t === 'varuint') expect(r.varuint()).toBe(op.v);
            else if (op.t === 'f64') expect(Object.is(r.f64(), op.v)).toBe(true);
            else if (op.t === 'string') expect(r.string()).toBe(op.v);
            else expect([...r.bytes(op.v.length)]).toEqual([...op.v]);
          }
          expect(r.atEnd).toBe(true);
          expect(r.remaining).toBe(0);
          expect(r.offset).toBe(out.length);
        },
      ),
      { numRuns: runs },
    );
  });

  it('finish() returns small outputs as a copy the caller owns, even though the scratch buffer is reused', () => {
    const w1 = new ByteWriter();
    w1.string('first');
    const a = w1.finish();
    const w2 = new ByteWriter();
    w2.string('SECOND!');
    const b = w2.finish();
    expect(new ByteReader(a).string()).toBe('first');
    expect(new ByteReader(b).string()).toBe('SECOND!');
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.length);
  });

  it('finish() hands large outputs over without a copy, and never writes into them again', () => {
    const write = (fill: number): Uint8Array => {
      const w = new ByteWriter();
      w.bytes(new Uint8Array(250_000).fill(fill));
      w.bytes(new Uint8Array(50_000).fill(fill)); // grows the buffer to 500,000 bytes
      return w.finish();
    };
    const first = write(1);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBeGreaterThan(first.length); // the writer's own buffer
    const second = write(2);
    const small = new ByteWriter();
    small.string('reuses the pool, not a handed-over buffer');
    small.finish();
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.length).toBe(300_000);
    expect(first.every((b) => b === 1)).toBe(true);
    expect(second.every((b) => b === 2)).toBe(true);
  });

  it('after a hand-off only one fresh buffer starts large (a broadcast of small messages stays small)', () => {
    const w = new ByteWriter();
    w.bytes(new Uint8Array(300_000));
    w.finish();
    // Ten writers alive at once, like ten outboxes filled in one task: one may take the pooled
    // buffer and one the size hint; every other starts at the initial 4 KiB.
    const writers = Array.from({ length: 10 }, () => new ByteWriter());
    const large = writers.filter((writer) => writer.buf.length > 4096);
    expect(large.length).toBeLessThanOrEqual(2);
    for (const writer of writers) writer.release();
  });

  it('grows past the initial capacity', () => {
    const w = new ByteWriter();
    const big = new Uint8Array(100_000).fill(7);
    w.bytes(big);
    w.string('x'.repeat(50_000));
    const r = new ByteReader(w.finish());
    expect(r.bytes(100_000).every((b) => b === 7)).toBe(true);
    expect(r.string()).toHaveLength(50_000);
  });

  it('rejects varuint values outside 0..2^53-1', () => {
    const w = new ByteWriter();
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => w.varuint(bad)).toThrow(expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT' }));
    }
  });

  it('throws ERR_IPC_DECODE with the offset on truncated input', () => {
    const r = new ByteReader(new Uint8Array([0x80, 0x80]));
    const e = decodeErrorOf(() => r.varuint());
    expect(e.code).toBe('ERR_IPC_DECODE');
    expect(e.message).toMatch(/byte \d+/);
    expect(decodeErrorOf(() => new ByteReader(new Uint8Array(7)).f64()).code).toBe('ERR_IPC_DECODE');
    expect(decodeErrorOf(() => new ByteReader(new Uint8Array(0)).u8()).code).toBe('ERR_IPC_DECODE');
    expect(decodeErrorOf(() => new ByteReader(new Uint8Array(3)).bytes(4)).code).toBe('ERR_IPC_DECODE');
  });

  it('rejects varuints longer than 8 bytes or above 2^53-1', () => {
    const long = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(decodeErrorOf(() => new ByteReader(long).varuint()).code).toBe('ERR_IPC_DECODE');
    const big = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(decodeErrorOf(() => new ByteReader(big).varuint()).code).toBe('ERR_IPC_DECODE');
  });

  it('rejects a huge string length before allocating anything', () => {
    const w = new ByteWriter();
    w.varuint(2 ** 50 * 4); // Latin-1 string of 2^50 bytes
    const r = new ByteReader(w.finish());
    expect(decodeErrorOf(() => r.string()).code).toBe('ERR_IPC_DECODE');
    const w2 = new ByteWriter();
    w2.varuint(2 ** 40 * 4 + 2); // UTF-16
    expect(decodeErrorOf(() => new ByteReader(w2.finish()).string()).code).toBe('ERR_IPC_DECODE');
  });

  it('rejects invalid UTF-8 and unknown string kinds', () => {
    const invalid = [
      [0x04 * 2 + 1, 0xc3, 0x28], // bad continuation
      [0x01 * 4 + 1, 0xff], // invalid byte
      [0x03 * 4 + 1, 0xed, 0xa0, 0x80], // encoded surrogate
      [0x02 * 4 + 1, 0xc0, 0x80], // overlong
      [0x01 * 4 + 3, 0x41], // kind 3
    ];
    for (const bytes of invalid) {
      expect(decodeErrorOf(() => new ByteReader(new Uint8Array(bytes)).string()).code).toBe('ERR_IPC_DECODE');
    }
    const long = new ByteWriter();
    long.varuint(100 * 4 + 1);
    long.bytes(new Uint8Array(100).fill(0xff));
    expect(decodeErrorOf(() => new ByteReader(long.finish()).string()).code).toBe('ERR_IPC_DECODE');
  });

  it('reads values embedded between envelope fields, the way the frame layer does', () => {
    const w = new ByteWriter();
    w.u8(3);
    w.string('channel');
    writeValue(w, [1, { a: 'b' }, new Date(5)]);
    writeValue(w, 'second');
    w.varuint(99);
    const r = new ByteReader(w.finish());
    expect(r.u8()).toBe(3);
    expect(r.string()).toBe('channel');
    expect(readValue(r)).toEqual([1, { a: 'b' }, new Date(5)]);
    expect(readValue(r)).toBe('second');
    expect(r.varuint()).toBe(99);
    expect(r.atEnd).toBe(true);
  });

  it('reads from a view with a non-zero byteOffset', () => {
    const w = new ByteWriter();
    w.f64(Math.PI);
    w.string('é');
    const bytes = w.finish();
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const r = new ByteReader(padded.subarray(3));
    expect(r.f64()).toBe(Math.PI);
    expect(r.string()).toBe('é');
  });
});
