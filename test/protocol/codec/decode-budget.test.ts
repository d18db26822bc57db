import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the benchmarks, without type declarations
import * as benchPayloads from '../../../bench/codec-payloads.mjs';
import { Cost } from '../../../src/protocol/codec/decode-budget.js';
import { ByteReader, ByteWriter, decode, encode, readValue, Tag } from '../../../src/protocol/codec/index.js';
import { IpcError } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS, type DecodeLimits, resolveLimits } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { MessageKind } from '../../../src/protocol/messages.js';
import { withReferences } from './arbitraries.js';
import { codeOf } from './helpers.js';

const runs = Number(process.env.FC_RUNS ?? 1000);
const { largePayload, mixedPayload, smallPayload } = benchPayloads as Record<
  'largePayload' | 'mixedPayload' | 'smallPayload',
  () => unknown
>;
const MiB = 1024 * 1024;

/** Bytes from tags, varuints (['v', n]) and raw byte runs. */
function bytes(...parts: (number | ['v', number] | Uint8Array)[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) {
    if (typeof p === 'number') w.u8(p);
    else if (p instanceof Uint8Array) w.bytes(p);
    else w.varuint(p[1]);
  }
  return w.finish();
}

/** An array of `n` copies of `unit` (the encoding of one value). */
function arrayOf(n: number, unit: readonly number[]): Uint8Array {
  const head = bytes(Tag.Array, ['v', n]);
  const out = new Uint8Array(head.length + n * unit.length);
  out.set(head);
  for (let i = 0; i < n; i++) out.set(unit, head.length + i * unit.length);
  return out;
}

function errorOf(f: () => unknown): IpcError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IpcError);
    return e as IpcError;
  }
  throw new Error('expected an IpcError');
}

/** Allocation units decoding `b` spends (with an unlimited budget). */
function unitsOf(b: Uint8Array): number {
  const r = new ByteReader(b, resolveLimits({ maxAllocations: Number.MAX_SAFE_INTEGER }));
  readValue(r);
  return Number.MAX_SAFE_INTEGER - r.budget;
}

/** Counts `new Map()` calls while `f` runs (the decoder looks the global constructor up at each call). */
function countMaps(f: () => void): number {
  const Original = globalThis.Map;
  let count = 0;
  globalThis.Map = class extends Original<unknown, unknown> {
    constructor(entries?: Iterable<readonly [unknown, unknown]> | null) {
      super(entries);
      count++;
    }
  } as MapConstructor;
  try {
    f();
  } finally {
    globalThis.Map = Original;
  }
  return count;
}

describe('decode budget: the attacks of issue #12', () => {
  it('refuses a 64 MiB frame of empty Maps at the array header, before building a single Map', () => {
    const n = Math.floor((DEFAULT_LIMITS.maxPayload - 16) / 2);
    const frame = arrayOf(n, [Tag.Map, 0]);
    let error: IpcError | undefined;
    const made = countMaps(() => {
      error = errorOf(() => decode(frame));
    });
    expect(error?.code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(error?.message).toMatch(/maxAllocations/);
    expect(made).toBe(0);
  });

  it('refuses Maps spread over many small arrays once the budget is spent, having built at most that many', () => {
    // 16,384 arrays of 1,024 empty Maps: every array header is small, the total is not.
    const inner = [...bytes(Tag.Array, ['v', 1024])];
    for (let i = 0; i < 1024; i++) inner.push(Tag.Map, 0);
    const frame = arrayOf(16_384, inner);
    let code: string | undefined;
    const made = countMaps(() => {
      code = codeOf(() => decode(frame));
    });
    expect(code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    const perMap = Cost.Map + Cost.Slot;
    expect(made).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAllocations / perMap);
    expect(made).toBeGreaterThan(DEFAULT_LIMITS.maxAllocations / perMap / 2);
  });

  it('refuses a Map whose declared entries exceed the budget before creating it', () => {
    const entries = 5_000;
    const parts: number[] = [];
    for (let i = 0; i < entries; i++) parts.push(Tag.Null, Tag.Null);
    const frame = bytes(Tag.Map, ['v', entries], Uint8Array.from(parts));
    const needed = unitsOf(frame);
    expect(needed).toBe(Cost.Map + entries * (Cost.MapEntry + 2 * Cost.Slot));
    let code: string | undefined;
    const made = countMaps(() => {
      code = codeOf(() => decode(frame, { maxAllocations: needed - 1 }));
    });
    expect(code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(made).toBe(0);
    expect((decode(frame, { maxAllocations: needed }) as Map<unknown, unknown>).size).toBe(1);
  });

  it('refuses 1 MB of Errors, counts each one, and builds the ones it accepts in proportional time', () => {
    const unit = [Tag.Error, 0, 0];
    expect(codeOf(() => decode(arrayOf(Math.floor(MiB / 3), unit)))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    const n = 1000;
    const per = Cost.Error + Cost.Slot;
    const frame = arrayOf(n, unit);
    expect(unitsOf(frame)).toBe(Cost.Array + n * per);
    expect(codeOf(() => decode(frame, { maxAllocations: Cost.Array + n * per - 1 }))).toBe(
      'ERR_IPC_LIMIT_EXCEEDED',
    );
    const errors = decode(frame, { maxAllocations: Cost.Array + n * per }) as Error[];
    expect(errors).toHaveLength(n);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(Object.getOwnPropertyDescriptor(errors[0], 'stack')).toEqual({
      value: undefined,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    // 60,000 Errors (180 KB): 18 µs each before (1.1 s), well under 1 µs each now.
    const many = arrayOf(60_000, unit);
    const started = performance.now();
    decode(many, { maxAllocations: Number.POSITIVE_INFINITY });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('keeps a decoded Error identical to structuredClone and leaves Error.stackTraceLimit alone', () => {
    const limit = Error.stackTraceLimit;
    const source = new RangeError('boom', { cause: 7 });
    const decoded = decode(encode(source)) as RangeError;
    expect(Error.stackTraceLimit).toBe(limit);
    expect(decoded).toBeInstanceOf(RangeError);
    expect(decoded.message).toBe('boom');
    expect(decoded.stack).toBe(source.stack);
    expect(decoded.cause).toBe(7);
    expect(Object.keys(decoded)).toEqual([]);
    const noStack = decode(encode(Object.assign(new TypeError('x'), { stack: undefined }))) as Error;
    expect(Object.hasOwn(noStack, 'stack')).toBe(true);
    expect(noStack.stack).toBeUndefined();
  });

  it('decodes a 15-byte sparse array of length 2^32-2 in constant time and memory, or refuses it by default', () => {
    const frame = bytes(Tag.SparseArray, ['v', 2 ** 32 - 2], ['v', 1], ['v', 7], Tag.True, ['v', 0]);
    expect(frame.length).toBeLessThanOrEqual(15);
    const refusal = errorOf(() => decode(frame));
    expect(refusal.code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(refusal.message).toMatch(/maxSparseArrayLength/);
    const started = performance.now();
    const a = decode(frame, { maxSparseArrayLength: 2 ** 32 - 1 }) as unknown[];
    expect(performance.now() - started).toBeLessThan(50);
    expect(a.length).toBe(2 ** 32 - 2);
    expect(a[7]).toBe(true);
    expect(Object.keys(a)).toEqual(['7']);
  });

  it('100 frames of sparse arrays of length 2^25-1 cost neither time nor memory in proportion to the length', () => {
    const frame = bytes(Tag.SparseArray, ['v', 2 ** 25 - 1], ['v', 0], ['v', 0]);
    expect(codeOf(() => decode(frame))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    const limits = { maxSparseArrayLength: 2 ** 25 };
    const kept: unknown[][] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < 100; i++) kept.push(decode(frame, limits) as unknown[]);
    const elapsed = performance.now() - started;
    // Before: 1.1 s and 268 MB for each one (a backing store of 2^25 slots).
    expect(elapsed).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * MiB);
    expect(kept.every((a) => a.length === 2 ** 25 - 1 && !(0 in a))).toBe(true);
  });

  it('refuses a 60 MiB BigInt without reading it, and parses allowed ones in linear time', () => {
    const huge = new Uint8Array(60 * MiB + 8);
    const head = bytes(Tag.BigIntPos, ['v', 60 * MiB]);
    huge.set(head);
    const started = performance.now();
    const error = errorOf(() => decode(huge.subarray(0, head.length + 60 * MiB)));
    expect(performance.now() - started).toBeLessThan(50);
    expect(error.code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(error.message).toMatch(/maxBigIntBytes/);

    // 8 MiB within raised limits: about 0.35 s here; the per-byte string building it replaces took
    // 0.43 s for 1 MiB and grew faster than the size.
    const size = 8 * MiB;
    const magnitude = new Uint8Array(size);
    for (let i = 0; i < size; i++) magnitude[i] = (i * 7919) & 0xff;
    const frame = bytes(Tag.BigIntNeg, ['v', size], magnitude);
    const t = performance.now();
    const value = decode(frame, { maxBigIntBytes: size, maxAllocations: 2 * size }) as bigint;
    expect(performance.now() - t).toBeLessThan(1500);
    expect(value < 0n).toBe(true);
    expect(-value & 0xffffn).toBe(BigInt(magnitude[0]! | (magnitude[1]! << 8)));
    expect((-value >> BigInt(8 * (size - 1))) & 0xffn).toBe(BigInt(magnitude[size - 1]!));
  });

  it('BigInts: every size round-trips, and each byte is charged', () => {
    for (const v of [0n, 1n, -1n, 255n, 256n, 2n ** 48n - 1n, 2n ** 48n, -(2n ** 64n) - 3n, 3n ** 200n]) {
      expect(decode(encode(v))).toBe(v);
    }
    const b = encode(2n ** 1000n);
    expect(unitsOf(b)).toBe(Cost.BigInt + 126);
    expect(codeOf(() => decode(b, { maxAllocations: Cost.BigInt + 125 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(codeOf(() => decode(b, { maxBigIntBytes: 125 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });
});

describe('decode budget: what it counts', () => {
  const cases: [string, Uint8Array, number][] = [
    ['empty array', bytes(Tag.Array, ['v', 0]), Cost.Array],
    ['array of 3 fixints', bytes(Tag.Array, ['v', 3], 0x81, 0x82, 0x83), Cost.Array + 3 * Cost.Slot],
    [
      'object with a key',
      bytes(Tag.Object, ['v', 1], ['v', 4], 0x61, 0x81),
      Cost.Object + Cost.Key + Cost.Slot,
    ],
    ['empty Set', bytes(Tag.Set, ['v', 0]), Cost.Set],
    ['Date', bytes(Tag.Date, new Uint8Array(8)), Cost.Date],
    ['RegExp /a/', bytes(Tag.RegExp, ['v', 4], 0x61, ['v', 0]), Cost.RegExp],
    ['boxed 1', bytes(Tag.Boxed, 0x81), Cost.Boxed],
    ['ArrayBuffer of 4 bytes', bytes(Tag.ArrayBuffer, ['v', 4], new Uint8Array(4)), Cost.Buffer],
    [
      'Uint8Array over its buffer',
      bytes(Tag.View, 1, ['v', 0], ['v', 2], Tag.ArrayBuffer, ['v', 2], new Uint8Array(2)),
      Cost.View + Cost.Buffer,
    ],
    ['one-character string', bytes(Tag.String, ['v', 4], 0x61), 0],
    ['two-character string', bytes(Tag.String, ['v', 8], 0x61, 0x62), Cost.String],
    [
      'sparse array of length 10^6 with one element',
      bytes(Tag.SparseArray, ['v', 1e6], ['v', 1], ['v', 5], 0x81, ['v', 0]),
      Cost.Array + Cost.SparseElement + Cost.Slot,
    ],
  ];
  for (const [name, frame, units] of cases) {
    it(`${name}: ${units} units, refused one unit short`, () => {
      expect(unitsOf(frame)).toBe(units);
      if (units > 0) {
        expect(codeOf(() => decode(frame, { maxAllocations: units - 1 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
      }
      expect(codeOf(() => decode(frame, { maxAllocations: units }))).toBeUndefined();
    });
  }

  it('shares one budget among the messages of a frame', () => {
    const message = (seq: number) =>
      encodeMessage({ kind: MessageKind.Send, seq, channel: 'c', args: [1, 2, 3] });
    const frame = encodeFrame(Array.from({ length: 100 }, (_, i) => message(i + 1)));
    const one = Cost.Message + Cost.Array + 3 * Cost.Slot;
    const limits = (maxAllocations: number): DecodeLimits => resolveLimits({ maxAllocations });
    expect(decodeFrame(frame, 'main', limits(100 * one))).toHaveLength(100);
    expect(codeOf(() => decodeFrame(frame, 'main', limits(100 * one - 1)))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('decode() calls are independent: each value gets the whole budget', () => {
    const frame = arrayOf(1000, [0x81]);
    const limits = { maxAllocations: unitsOf(frame) };
    for (let i = 0; i < 5; i++) expect(decode(frame, limits)).toHaveLength(1000);
  });
});

describe('decode budget: legitimate payloads and configuration', () => {
  it('the benchmark payloads pass at the default limits, the 10,000-record one with room to spare', () => {
    for (const make of [smallPayload, mixedPayload, largePayload]) {
      expect(decode(encode(make()))).toEqual(make());
    }
    const large = encode(largePayload());
    expect(unitsOf(large)).toBeLessThan(DEFAULT_LIMITS.maxAllocations / 1.8);
  });

  it('a 64 MiB binary payload costs a few units', () => {
    const big = new Uint8Array(DEFAULT_LIMITS.maxPayload - 64);
    big[big.length - 1] = 9;
    const b = encode([big]);
    expect(unitsOf(b)).toBe(Cost.Array + Cost.Slot + Cost.View + Cost.Buffer);
    const [out] = decode(b) as [Uint8Array];
    expect(out.length).toBe(big.length);
    expect(out[out.length - 1]).toBe(9);
  });

  it('resolveLimits fills what is not given; every limit can be raised or lowered', () => {
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
    expect(resolveLimits({ maxAllocations: 5 })).toEqual({ ...DEFAULT_LIMITS, maxAllocations: 5 });
    expect(resolveLimits({ maxBigIntBytes: 1, maxSparseArrayLength: 2 })).toEqual({
      ...DEFAULT_LIMITS,
      maxBigIntBytes: 1,
      maxSparseArrayLength: 2,
    });
    const frame = arrayOf(DEFAULT_LIMITS.maxAllocations, [Tag.Null]);
    expect(codeOf(() => decode(frame))).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(decode(frame, { maxAllocations: 2 * DEFAULT_LIMITS.maxAllocations })).toHaveLength(
      DEFAULT_LIMITS.maxAllocations,
    );
    expect(codeOf(() => decode(encode([1, 2]), { maxAllocations: 2 }))).toBe('ERR_IPC_LIMIT_EXCEEDED');
  });

  it('a ByteReader given limits without the newer fields gets the default budget', () => {
    const legacy = { maxPayload: 1000, maxDepth: 10 } as unknown as DecodeLimits;
    const r = new ByteReader(bytes(Tag.Null), legacy);
    expect(r.budget).toBe(DEFAULT_LIMITS.maxAllocations);
  });

  it('the refusal names the limit and how to raise it', () => {
    const error = errorOf(() => decode(arrayOf(100, [Tag.Map, 0]), { maxAllocations: 50 }));
    expect(error.code).toBe('ERR_IPC_LIMIT_EXCEEDED');
    expect(error.message).toMatch(/maxAllocations \(50\)/);
    expect(error.message).toMatch(/raise limits\.maxAllocations/);
  });
});

describe('decode budget (property)', () => {
  it('is monotonic: the least budget a value needs passes, one unit less is ERR_IPC_LIMIT_EXCEEDED', () => {
    fc.assert(
      fc.property(withReferences, (v) => {
        const b = encode(v);
        const need = unitsOf(b);
        const limits = { maxAllocations: need, maxSparseArrayLength: 2 ** 32 - 1 };
        expect(codeOf(() => decode(b, limits))).toBeUndefined();
        if (need > 0) {
          expect(codeOf(() => decode(b, { ...limits, maxAllocations: need - 1 }))).toBe(
            'ERR_IPC_LIMIT_EXCEEDED',
          );
        }
        // In proportion to the bytes: no kind of value costs more than 17 units a byte.
        expect(need).toBeLessThanOrEqual(17 * b.length);
      }),
      { numRuns: runs },
    );
  });
});
