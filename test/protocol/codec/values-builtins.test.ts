import { describe, expect, it } from 'vitest';
import { rt, same } from './helpers.js';

describe('built-in objects', () => {
  it('keeps valid and invalid Dates', () => {
    same([new Date(0), new Date(-1e15), new Date(Number.NaN), new Date(8.64e15)]);
  });

  it('keeps RegExp source and flags but resets lastIndex', () => {
    const r = /a(b)?\//dgimsuy;
    r.lastIndex = 3;
    const out = rt(r);
    expect(out.lastIndex).toBe(0);
    expect(out.flags).toBe('dgimsuy');
    // biome-ignore lint/complexity/useRegexLiterals: the v flag needs an ES2024 target as a literal
    same([r, /(?:)/, new RegExp('\\p{L}', 'v'), /\n/]);
  });

  it('keeps Map and Set with any keys and values, in order', () => {
    const k = { k: 1 };
    const m = new Map<unknown, unknown>([
      [k, 'obj'],
      [Number.NaN, 'nan'],
      [-0, 'zero'],
      ['s', new Set([k, 1, 'x'])],
    ]);
    same(m);
    const out = rt([m, k]);
    expect((out[0] as Map<unknown, unknown>).get(out[1])).toBe('obj');
  });

  it('keeps ArrayBuffers, resizable ones with maxByteLength', () => {
    const b = new Uint8Array([1, 2, 3]).buffer;
    same(b);
    const ctor = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const r = new ctor(4, { maxByteLength: 64 });
    same(r);
    expect((rt(r) as ArrayBuffer & { resizable: boolean }).resizable).toBe(true);
  });

  it('keeps every typed array kind and DataView', () => {
    same([
      new Int8Array([-1, 2]),
      new Uint8Array([255]),
      new Uint8ClampedArray([7]),
      new Int16Array([-300]),
      new Uint16Array([60000]),
      new Int32Array([-1e9]),
      new Uint32Array([4e9]),
      new Float32Array([1.5, Number.NaN, -0]),
      new Float64Array([Math.PI, -0]),
      new BigInt64Array([-(2n ** 63n)]),
      new BigUint64Array([2n ** 64n - 1n]),
      new DataView(new ArrayBuffer(8), 2, 4),
    ]);
  });

  it('keeps typed arrays sharing one ArrayBuffer, with their offsets and lengths', () => {
    const buf = new ArrayBuffer(32);
    const a = new Uint16Array(buf, 2, 3);
    const b = new Float64Array(buf, 8, 2);
    const d = new DataView(buf, 5);
    const [a2, b2, d2, buf2] = rt([a, b, d, buf] as const);
    expect(a2.buffer).toBe(b2.buffer);
    expect(d2.buffer).toBe(buf2);
    expect([a2.byteOffset, a2.length, b2.byteOffset, d2.byteOffset]).toEqual([2, 3, 8, 5]);
    same([a, b, d, buf]);
  });

  it('sends a Node Buffer from the shared pool as a plain Uint8Array of its own bytes only', () => {
    const buf = Buffer.from('hello');
    expect(buf.buffer.byteLength).toBeGreaterThan(buf.length); // pooled
    const out = rt(buf);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(5);
    expect([...out]).toEqual([...buf]);
    const both = rt([buf, buf]);
    expect(both[0]).toBe(both[1]);
  });

  it('treats other Uint8Array subclasses like Buffer, other typed array subclasses like structuredClone', () => {
    class Bytes extends Uint8Array {}
    const big = new ArrayBuffer(16);
    const out = rt(new Bytes(big, 4, 2));
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(out.buffer.byteLength).toBe(2);
    class Floats extends Float32Array {}
    same(new Floats(big, 4, 2));
  });
});

describe('errors', () => {
  it('keeps the name only for the standard constructors', () => {
    class MyError extends Error {}
    const renamed = new Error('r');
    renamed.name = 'TypeError';
    const custom = new Error('c');
    custom.name = 'Custom';
    const errors = [
      new Error('e'),
      new EvalError('e'),
      new RangeError('r'),
      new ReferenceError('r'),
      new SyntaxError('s'),
      new TypeError('t'),
      new URIError('u'),
      new AggregateError([1], 'a'),
      new MyError('m'),
      renamed,
      custom,
    ];
    same(errors);
    const out = rt(errors);
    expect(out.map((e) => e.constructor.name)).toEqual([
      'Error',
      'EvalError',
      'RangeError',
      'ReferenceError',
      'SyntaxError',
      'TypeError',
      'URIError',
      'Error',
      'Error',
      'TypeError',
      'Error',
    ]);
  });

  it('keeps message (as a string), stack and cause; drops other properties', () => {
    const e = new Error('boom', { cause: { deep: [1n] } }) as Error & { code?: string };
    e.code = 'E_X';
    const out = rt(e) as Error & { code?: string };
    expect(out.message).toBe('boom');
    expect(out.stack).toBe(e.stack);
    expect(out.cause).toEqual({ deep: [1n] });
    expect(out.code).toBeUndefined();
    same(e);
    const odd = new Error();
    (odd as { message: unknown }).message = 42;
    odd.stack = 7 as unknown as string;
    same([odd, new Error(), new Error('c', { cause: undefined })]);
    expect(rt(odd).message).toBe('42');
  });

  it('keeps shared errors and a cause cycle back to the error itself', () => {
    const e = new TypeError('x');
    same([e, e, { e }]);
    const self = new Error('self') as Error & { cause?: unknown };
    self.cause = self;
    const out = rt(self) as Error & { cause?: unknown };
    expect(out.cause).toBe(out); // Node 20's structuredClone throws here (V8 bug); we keep the cycle
  });
});
