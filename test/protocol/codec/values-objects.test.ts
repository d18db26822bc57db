import { describe, expect, it } from 'vitest';
import { decode, encode, setShapeCompilation } from '../../../src/protocol/codec/index.js';
import { rt, same, sameFresh } from './helpers.js';

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

  it('skips an own __proto__ key a getter deleted (it would read as the inherited prototype)', () => {
    const deletesProto = (): Record<string, unknown> => {
      const o = JSON.parse('{"a":1,"__proto__":2}') as Record<string, unknown>;
      Object.defineProperty(o, 'a', {
        get() {
          Reflect.deleteProperty(o, '__proto__');
          return 1;
        },
        enumerable: true,
        configurable: true,
      });
      return o;
    };
    sameFresh(deletesProto);
    sameFresh(() => Array.from({ length: 6 }, deletesProto));
    expect(Object.keys(rt(deletesProto()))).toEqual(['a']);
  });

  it('skips a deleted key whose name is inherited (toString, constructor), in every object path', () => {
    const deletesLater = (): Record<string, unknown> => ({
      get a() {
        Reflect.deleteProperty(this, 'toString');
        Reflect.deleteProperty(this, 'constructor');
        return 1;
      },
      toString: 2,
      constructor: 3,
    });
    sameFresh(deletesLater); // alone: Object.keys path
    sameFresh(() => Array.from({ length: 6 }, deletesLater)); // shaped, for-in path
    sameFresh(() => [
      ...Array.from({ length: 40 }, () => ({ a: 1, toString: 2, constructor: 3 })),
      deletesLater(),
    ]);
    expect(Object.keys(rt([deletesLater()])[0]!)).toEqual(['a']);
    sameFresh(() => {
      const array: unknown[] = [1];
      Object.defineProperty(array, 'x', {
        get() {
          Reflect.deleteProperty(array, 'toString');
          return 'x';
        },
        enumerable: true,
        configurable: true,
      });
      Object.defineProperty(array, 'toString', {
        value: 'own',
        writable: true,
        enumerable: true,
        configurable: true,
      });
      return array;
    });
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

  it('encodes and decodes many same-shaped objects identically with and without compiled shapes', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      id: i,
      name: `n${i}`,
      score: i + 0.5,
      none: i % 2 ? undefined : null,
      tags: ['a'],
      nested: { k: i },
      when: new Date(i),
    }));
    const compiled = encode(records);
    same(records);
    setShapeCompilation(false);
    try {
      expect(encode(records)).toEqual(compiled);
      same(records);
    } finally {
      setShapeCompilation(true);
    }
  });
});

describe('encoding robustness', () => {
  it('supports re-entrant encoding from a getter', () => {
    let inner: Uint8Array | undefined;
    const shared = { s: 1 };
    const value = [
      shared,
      {
        get x() {
          inner = encode([{ nested: true }, 'inner']);
          return 'outer';
        },
      },
      shared,
      ...Array.from({ length: 20 }, (_, i) => ({ i })),
    ];
    same(value);
    expect(decode(inner!)).toEqual([{ nested: true }, 'inner']);
  });

  it('lets errors thrown by getters through unchanged and stays usable', () => {
    const boom = new RangeError('from getter');
    const bad = {
      a: 1,
      get b() {
        throw boom;
      },
    };
    expect(() => encode([Array.from({ length: 30 }, () => ({ x: 1 })), bad])).toThrow(boom);
    same([{ after: 'error' }, [1, 2]]);
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

  it('keeps as many holes as named properties apart (same own-key count as a dense array)', () => {
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const a: unknown[] & { x?: number; y?: number } = [1, , , 4];
    a.x = 1;
    a.y = 2;
    expect(Object.keys(a).length).toBe(a.length);
    same(a);
    expect(Object.keys(rt(a))).toEqual(['0', '3', 'x', 'y']);
  });

  it('writes holes, not named properties, for elements a getter deleted meanwhile', () => {
    sameFresh(() => {
      const a: unknown[] = [0, 1, 2, 3];
      Object.defineProperty(a, 1, {
        get() {
          a.length = 2;
          return 'one';
        },
        enumerable: true,
        configurable: true,
      });
      return a;
    });
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
    expect((decode(encode(a), { maxSparseArrayLength: 2 ** 32 - 1 }) as unknown[]).length).toBe(2 ** 32 - 1);
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
