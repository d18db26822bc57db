import { describe, expect, it } from 'vitest';
import { decode, encode, setShapeCompilation } from '../../../src/protocol/codec/index.js';
import { cloneEqual } from './clone-equal.js';

const rt = <T>(v: T): T => decode(encode(v)) as T;

/** decode(encode(v)) must equal structuredClone(v) exactly. */
function same(v: unknown): void {
  const problem = cloneEqual(rt(v), structuredClone(v));
  expect(problem).toBeNull();
}

/** Like same(), for values whose getters mutate them: each side gets a fresh value. */
function sameFresh(make: () => unknown): void {
  const problem = cloneEqual(rt(make()), structuredClone(make()));
  expect(problem).toBeNull();
}

describe('primitives', () => {
  it('keeps undefined, null, booleans', () => {
    for (const v of [undefined, null, true, false]) expect(rt(v)).toBe(v);
  });

  it('keeps -0, NaN, ±Infinity and every number class', () => {
    expect(Object.is(rt(-0), -0)).toBe(true);
    expect(Object.is(rt(0), 0)).toBe(true);
    expect(rt(Number.NaN)).toBeNaN();
    for (const n of [
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1,
      127,
      128,
      -1,
      -128,
      2 ** 31,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 53,
      -(2 ** 60),
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.EPSILON,
      0.1,
      -1.5e-300,
    ]) {
      expect(Object.is(rt(n), n)).toBe(true);
    }
  });

  it('encodes small integers compactly', () => {
    expect(encode(5).length).toBe(1);
    expect(encode(300).length).toBe(3);
    expect(encode(-0).length).toBe(9);
  });

  it('keeps BigInt of any size and sign', () => {
    for (const b of [0n, 1n, -1n, 255n, 256n, -(2n ** 64n), 2n ** 64n - 1n, 3n ** 500n, -(7n ** 300n)]) {
      expect(rt(b)).toBe(b);
    }
  });

  it('keeps strings of every kind: ASCII, Latin-1, BMP, astral, long', () => {
    for (const s of [
      '',
      'a',
      'hello',
      'café',
      'ÿ',
      '日本語',
      '😀',
      'a😀b',
      'x'.repeat(1000),
      'é'.repeat(70),
      '\u0000\uFEFF',
    ]) {
      expect(rt(s)).toBe(s);
    }
  });

  it('keeps lone surrogates (UTF-16 fallback), short and long, as values and keys', () => {
    for (const s of [
      '\ud800',
      '\udc00',
      'a\ud800b',
      '\udc00\ud800',
      `${'x'.repeat(100)}\ud83d`,
      '\ud83d'.repeat(200),
    ]) {
      expect(rt(s)).toBe(s);
      expect(Object.keys(rt({ [s]: 1 }))).toEqual([s]);
    }
  });

  it('keeps a leading byte order mark', () => {
    const s = `\uFEFF${'a'.repeat(100)}`;
    expect(rt(s)).toBe(s);
  });
});

describe('boxed primitives', () => {
  it('keeps boxed -0, strings, booleans and BigInt', () => {
    const n = rt(new Number(-0));
    expect(n).toBeInstanceOf(Number);
    expect(Object.is(n.valueOf(), -0)).toBe(true);
    same([
      new Number(Number.NaN),
      new String('x\ud800'),
      new Boolean(false),
      Object(12n),
      Object(-(2n ** 70n)),
    ]);
  });

  it('keeps identity of a shared boxed value', () => {
    const b = new String('s');
    const out = rt([b, b]);
    expect(out[0]).toBe(out[1]);
  });
});

describe('objects', () => {
  it('keeps own enumerable string keys in order, integer-like keys first', () => {
    const o = { b: 1, 2: 'two', a: 2, 1: 'one', '-1': 3, '01': 4 };
    expect(Object.keys(rt(o))).toEqual(Object.keys(structuredClone(o)));
    same(o);
  });

  it('drops symbol keys and non-enumerable properties', () => {
    const o: Record<string | symbol, unknown> = { a: 1, [Symbol('s')]: 2 };
    Object.defineProperty(o, 'hidden', { value: 3, enumerable: false });
    expect(rt(o)).toEqual({ a: 1 });
    same(o);
  });

  it('invokes getters and stores their value as data', () => {
    let calls = 0;
    const o = {
      get a() {
        calls++;
        return 5;
      },
    };
    const out = rt(o);
    expect(calls).toBe(1);
    expect(Object.getOwnPropertyDescriptor(out, 'a')).toEqual({
      value: 5,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('skips keys a getter deleted before they were reached (also in shaped objects)', () => {
    // Key order a, b, c: the getter of a deletes c before it is cloned.
    const later = (): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      Object.defineProperty(o, 'a', {
        get() {
          delete o.c;
          return 1;
        },
        enumerable: true,
        configurable: true,
      });
      o.b = 2;
      o.c = 3;
      return o;
    };
    // Key order b, c, a: c was cloned already when the getter deletes it.
    const earlier = (): Record<string, unknown> => ({
      b: 2,
      c: 3,
      get a() {
        delete (this as Record<string, unknown>).c;
        return 1;
      },
    });
    sameFresh(later);
    sameFresh(earlier);
    // Many objects of the same shape: later ones use ShapeRef (and compiled factories).
    sameFresh(() => Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? later() : { a: i, b: 2, c: 3 })));
    sameFresh(() => Array.from({ length: 30 }, () => later()));
    expect(rt(Array.from({ length: 30 }, () => later())).every((o) => Object.keys(o).join() === 'a,b')).toBe(
      true,
    );
  });

  it('turns class instances into plain objects (own enumerable properties, prototype dropped)', () => {
    class Point {
      y = 2;
      constructor(public x: number) {}
      get len() {
        return 1;
      }
      norm() {
        return 0;
      }
    }
    const out = rt(new Point(1));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ y: 2, x: 1 });
    same(new Point(3));
  });

  it('gives null-prototype objects Object.prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.a = 1;
    const out = rt(o);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    same(o);
  });

  it('round-trips a __proto__ key as an own property without polluting anything', () => {
    const o = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}');
    const out = rt(o);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    same(o);
    // Shaped (5th+ object) and compiled (many uses) paths too.
    const many = Array.from({ length: 40 }, () => JSON.parse('{"__proto__": {"polluted": 3}, "x": 1}'));
    const back = rt(many);
    expect(
      back.every((b) => Object.hasOwn(b, '__proto__') && Object.getPrototypeOf(b) === Object.prototype),
    ).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('decodes many same-shaped objects identically with and without compiled factories', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      id: i,
      name: `n${i}`,
      tags: ['a'],
      nested: { k: i },
    }));
    same(records);
    setShapeCompilation(false);
    try {
      same(records);
    } finally {
      setShapeCompilation(true);
    }
  });
});

describe('arrays', () => {
  it('keeps holes as holes (not undefined)', () => {
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const a = [1, , 3, undefined];
    const out = rt(a);
    expect(1 in out).toBe(false);
    expect(3 in out).toBe(true);
    expect(out.length).toBe(4);
    same(a);
  });

  it('keeps extra non-index properties of arrays', () => {
    const a: unknown[] & { foo?: string; '-1'?: number; '4294967295'?: number } = [1, 2];
    a.foo = 'x';
    a['-1'] = 5;
    a['4294967295'] = 6;
    same(a);
    expect(rt(a).foo).toBe('x');
  });

  it('keeps huge sparse arrays compact', () => {
    const a: unknown[] = [];
    a[1_000_000] = 'end';
    a[5] = 'five';
    const bytes = encode(a);
    expect(bytes.length).toBeLessThan(40);
    same(a);
    const b: unknown[] = [];
    b.length = 10_000;
    same(b);
  });

  it('keeps an array of length 2^32-1 within a raised limit', () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    expect(() => decode(encode(a))).toThrow(expect.objectContaining({ code: 'ERR_IPC_LIMIT_EXCEEDED' }));
    expect((decode(encode(a), { maxPayload: 2 ** 32 }) as unknown[]).length).toBe(2 ** 32 - 1);
  });

  it('keeps __proto__ as an extra array property without changing the prototype', () => {
    const a: unknown[] = [1];
    Object.defineProperty(a, '__proto__', {
      value: { polluted: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const out = rt(a);
    expect(Array.isArray(out)).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Array.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    same(a);
  });
});

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

describe('references', () => {
  it('keeps shared references and cycles across nested values', () => {
    const shared = { s: 1 };
    const list: unknown[] = [shared];
    const root: Record<string, unknown> = { list, map: new Map([[shared, list]]), set: new Set([list]) };
    list.push(root);
    root.self = root;
    const out = rt(root);
    expect(out.self).toBe(out);
    expect((out.list as unknown[])[1]).toBe(out);
    expect((out.map as Map<unknown, unknown>).get((out.list as unknown[])[0])).toBe(out.list);
    same(root);
  });

  it('keeps identity with more objects than the small linear list holds', () => {
    const objs = Array.from({ length: 100 }, (_, i) => ({ i }));
    const value = [...objs, ...objs.reverse(), objs];
    same(value);
  });
});
