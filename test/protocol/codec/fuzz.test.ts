import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, decode, encode, Tag, ViewKind } from '../../../src/protocol/codec/index.js';
import { IpcError } from '../../../src/protocol/errors.js';
import { withReferences } from './arbitraries.js';
import { codeOf } from './helpers.js';

const runs = Number(process.env.FC_RUNS ?? 1000);

/** decode either returns or throws IpcError ERR_IPC_DECODE / ERR_IPC_LIMIT_EXCEEDED, nothing else. */
function decodesSafely(bytes: Uint8Array, limits?: { maxDepth?: number; maxPayload?: number }): void {
  try {
    decode(bytes, limits);
  } catch (e) {
    if (!(e instanceof IpcError) || (e.code !== 'ERR_IPC_DECODE' && e.code !== 'ERR_IPC_LIMIT_EXCEEDED')) {
      throw new Error(`unexpected ${String(e)} for ${Buffer.from(bytes).toString('hex').slice(0, 200)}`);
    }
  }
}

/** Bytes from a list of tags / varuints / raw strings. */
function bytes(...parts: (number | ['v', number] | ['s', string] | Uint8Array)[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) {
    if (typeof p === 'number') w.u8(p);
    else if (p instanceof Uint8Array) w.bytes(p);
    else if (p[0] === 'v') w.varuint(p[1]);
    else w.string(p[1]);
  }
  return w.finish();
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ op: fc.constant('big' as const), at: fc.nat(), value: fc.constantFrom(0x7f, 0x80, 0xff) }),
);

describe('decoding hostile input (fuzz)', () => {
  it('random bytes: returns or throws Decode/LimitExceeded, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => decodesSafely(b)),
      { numRuns: runs * 5 },
    );
  });

  it('random bytes behind every tag', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7f }), fc.uint8Array({ maxLength: 40 }), (tag, rest) => {
        const b = new Uint8Array(rest.length + 1);
        b[0] = tag;
        b.set(rest, 1);
        decodesSafely(b);
        decodesSafely(b, { maxDepth: 2, maxPayload: 16 });
      }),
      { numRuns: runs * 5 },
    );
  });

  it('mutated valid encodings (flip, insert, delete, truncate bytes)', () => {
    fc.assert(
      fc.property(withReferences, fc.array(mutation, { minLength: 1, maxLength: 4 }), (v, ops) => {
        const b = [...encode(v)];
        for (const { op, at, value } of ops) {
          const i = b.length === 0 ? 0 : at % b.length;
          if (op === 'flip') b[i] = value;
          else if (op === 'insert') b.splice(i, 0, value);
          else if (op === 'delete') b.splice(i, 1);
          else if (op === 'truncate') b.length = i;
          else b.splice(i, 0, 0xff, 0xff, 0xff, 0xff, value);
        }
        decodesSafely(Uint8Array.from(b));
      }),
      { numRuns: runs },
    );
  });
});

describe('decoding hostile input (adversarial cases)', () => {
  it('rejects huge length prefixes quickly, before allocating', () => {
    const big = 2 ** 50;
    for (const b of [
      bytes(Tag.String, ['v', big * 4]),
      bytes(Tag.Array, ['v', big]),
      bytes(Tag.ArrayProps, ['v', 0], ['v', big]),
      bytes(Tag.Object, ['v', big]),
      bytes(Tag.ShapeDef, ['v', big]),
      bytes(Tag.Map, ['v', big]),
      bytes(Tag.Set, ['v', big]),
      bytes(Tag.ArrayBuffer, ['v', big]),
      bytes(Tag.BigIntPos, ['v', big]),
      bytes(Tag.SparseArray, ['v', 10], ['v', big]),
      bytes(Tag.ResizableArrayBuffer, ['v', 4], ['v', 8]),
    ]) {
      const t = performance.now();
      expect(codeOf(() => decode(b))).toBe('ERR_IPC_DECODE');
      expect(performance.now() - t).toBeLessThan(50);
    }
  });

  it('100k nested arrays / objects / maps / errors => LimitExceeded, not a stack overflow', () => {
    const n = 100_000;
    for (const open of [
      [Tag.Array, 1],
      [Tag.Object, 1, 4, 0x61],
      [Tag.Map, 1, Tag.Null],
      [Tag.Set, 1],
      [Tag.Error, 0, 4],
      [Tag.ArrayProps, 1],
    ]) {
      const b = new Uint8Array(open.length * n + 1);
      for (let i = 0; i < n; i++) b.set(open, i * open.length);
      b[b.length - 1] = Tag.Null;
      expect(codeOf(() => decode(b))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    }
  });

  it('honours maxDepth exactly', () => {
    const nested = (d: number): unknown => (d === 0 ? 0 : [nested(d - 1)]);
    expect(() => decode(encode(nested(256)))).not.toThrow();
    expect(codeOf(() => decode(encode(nested(256)), { maxDepth: 255 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(codeOf(() => encode(nested(257)))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('back-references: to itself is a legal cycle; forward, out of range or into a pending view are not', () => {
    const self = decode(bytes(Tag.Refs, Tag.Array, ['v', 1], Tag.Ref, ['v', 0])) as unknown[];
    expect(self[0]).toBe(self);
    for (const b of [
      bytes(Tag.Array, ['v', 1], Tag.Ref, ['v', 0]), // Ref without the Refs marker
      bytes(Tag.Refs, Tag.Array, ['v', 1], Tag.Ref, ['v', 1]),
      bytes(Tag.Refs, Tag.Ref, ['v', 0]),
      bytes(Tag.Refs, Tag.View, ViewKind.Uint8Array, ['v', 0], ['v', 0], Tag.Ref, ['v', 0]),
      bytes(Tag.Refs, Tag.Refs, Tag.Null), // the marker only as the very first byte
      bytes(Tag.Array, ['v', 1], Tag.Refs, Tag.Null),
      bytes(Tag.ShapeRef, ['v', 0]),
    ]) {
      expect(codeOf(() => decode(b))).toBe('ERR_IPC_DECODE');
    }
  });

  it('marks values with references (and only those) with the Refs byte', () => {
    const shared = {};
    expect(encode([shared, shared])[0]).toBe(Tag.Refs);
    expect(encode([{}, {}])[0]).toBe(Tag.Array);
    const buf = new ArrayBuffer(4);
    expect(encode([new Uint8Array(buf), new Uint8Array(buf)])[0]).toBe(Tag.Refs);
  });

  it('rejects views that are out of bounds, misaligned, of unknown kind or over a non-buffer', () => {
    const buf = [Tag.ArrayBuffer, ['v', 8] as ['v', number], new Uint8Array(8)] as const;
    for (const [kind, offset, length] of [
      [ViewKind.Uint8Array, 4, 5],
      [ViewKind.Uint8Array, 9, 0],
      [ViewKind.Uint16Array, 1, 2],
      [ViewKind.Float64Array, 0, 4],
      [ViewKind.DataView, 2, 7],
      [99, 0, 0],
    ]) {
      expect(codeOf(() => decode(bytes(Tag.View, kind!, ['v', offset!], ['v', length!], ...buf)))).toBe(
        'ERR_IPC_DECODE',
      );
    }
    expect(codeOf(() => decode(bytes(Tag.View, ViewKind.Uint8Array, ['v', 0], ['v', 0], Tag.Null)))).toBe(
      'ERR_IPC_DECODE',
    );
  });

  it('rejects unknown tags, a stray hole, invalid Error headers, invalid RegExps, bad boxes, trailing bytes', () => {
    for (const b of [
      bytes(0x7f),
      bytes(0x50),
      bytes(Tag.Hole),
      bytes(Tag.Error, 9, 0),
      bytes(Tag.Error, 0, 8),
      bytes(Tag.RegExp, ['s', '('], ['s', '']),
      bytes(Tag.RegExp, ['s', 'a'], ['s', 'gg']),
      bytes(Tag.Boxed, Tag.Null),
      bytes(Tag.Boxed, Tag.Object, ['v', 0]),
      bytes(Tag.True, Tag.True),
      bytes(Tag.SparseArray, ['v', 2], ['v', 1], ['v', 5], Tag.Null, ['v', 0]),
      bytes(Tag.ArrayProps, ['v', 0], ['v', 1], ['s', 'length'], Tag.Null),
      bytes(Tag.ArrayProps, ['v', 0], ['v', 1], ['s', '4294967294'], Tag.Null),
      bytes(Tag.ResizableArrayBuffer, ['v', 8], ['v', 4]),
    ]) {
      expect(codeOf(() => decode(b))).toBe('ERR_IPC_DECODE');
    }
  });

  it('caps sparse array lengths (maxSparseArrayLength) and resizable buffer reservations (maxPayload)', () => {
    expect(codeOf(() => decode(bytes(Tag.SparseArray, ['v', 2 ** 32 - 1], ['v', 0], ['v', 0])))).toBe(
      'ERR_IPC_LIMIT_EXCEEDED',
    );
    expect(
      codeOf(() =>
        decode(bytes(Tag.SparseArray, ['v', 2 ** 32], ['v', 0], ['v', 0]), { maxPayload: 2 ** 40 }),
      ),
    ).toBe('ERR_IPC_DECODE');
    const reserve = bytes(
      Tag.Array,
      ['v', 2],
      Tag.ResizableArrayBuffer,
      ['v', 0],
      ['v', 40],
      Tag.ResizableArrayBuffer,
      ['v', 0],
      ['v', 40],
    );
    expect(codeOf(() => decode(reserve, { maxPayload: 64 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('many distinct shapes decode correctly without compiling each of them', () => {
    const value = Array.from({ length: 300 }, (_, s) =>
      Array.from({ length: 12 }, (_, i) => ({ [`k${s}`]: i, [`j${s}`]: s })),
    );
    const bytes = encode(value);
    const t = performance.now();
    for (let i = 0; i < 3; i++) expect(decode(bytes)).toEqual(value);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('rejects input larger than maxPayload', () => {
    expect(codeOf(() => decode(new Uint8Array(100), { maxPayload: 99 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('never lets __proto__ change a prototype or pollute Object.prototype, on every object path', () => {
    const proto = ['s', '__proto__'] as ['s', string];
    type Part = number | ['v', number] | ['s', string];
    const payload: Part[] = [Tag.Object, ['v', 1], ['s', 'polluted'], Tag.True];
    const cases = [
      bytes(Tag.Object, ['v', 1], proto, ...payload),
      bytes(Tag.ShapeDef, ['v', 1], proto, ...payload),
      bytes(
        Tag.Array,
        ['v', 2],
        Tag.ShapeDef,
        ['v', 1],
        proto,
        ...payload,
        Tag.ShapeRef,
        ['v', 0],
        ...payload,
      ),
      bytes(Tag.ArrayProps, ['v', 0], ['v', 1], proto, ...payload),
      bytes(Tag.SparseArray, ['v', 100], ['v', 0], ['v', 1], proto, ...payload),
    ];
    const many: Part[] = [Tag.Array, ['v', 40], Tag.ShapeDef, ['v', 1], proto, ...payload];
    for (let i = 1; i < 40; i++) many.push(Tag.ShapeRef, ['v', 0], ...payload);
    cases.push(bytes(...many));
    for (const b of cases) {
      const v = decode(b) as object;
      const targets = Array.isArray(v) && !Object.hasOwn(v, '__proto__') ? (v as object[]) : [v];
      for (const t of targets) {
        expect(Object.hasOwn(t, '__proto__')).toBe(true);
        expect(Object.getPrototypeOf(t)).toBe(Array.isArray(t) ? Array.prototype : Object.prototype);
      }
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    }
  });
});
