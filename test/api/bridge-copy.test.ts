import { describe, expect, it } from 'vitest';
import { copyAcrossBridge, deepFreeze } from '../../src/api/bridge-copy.js';
import { RECURSION_DEPTH_MESSAGE, UNKNOWN_EXCEPTION_MESSAGE } from '../../src/core/shared/electron-texts.js';

/*
 * Electron's contextBridge copy rules (shell/renderer/api/electron_api_context_bridge.cc,
 * docs/api/context-bridge.md), reproduced in one world.
 */

describe('copyAcrossBridge', () => {
  it('passes primitives through unchanged, symbols and bigints included', () => {
    const symbol = Symbol('s');
    for (const value of ['text', 1.5, Number.NaN, true, null, undefined, 10n, symbol])
      expect(copyAcrossBridge(value)).toBe(value);
  });

  it('copies plain objects: own enumerable string keys, values copied, getters read once', () => {
    let reads = 0;
    const source = Object.create(
      { inherited: 1 },
      {
        own: { value: 'kept', enumerable: true },
        hidden: { value: 'dropped', enumerable: false },
        computed: {
          enumerable: true,
          get: () => {
            reads += 1;
            return { deep: [1, 2] };
          },
        },
      },
    );
    source[Symbol('key')] = 'dropped';
    const copy = copyAcrossBridge(source) as Record<string, unknown>;
    expect(reads).toBe(1);
    expect(copy === source).toBe(false);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual({ own: 'kept', computed: { deep: [1, 2] } });
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(copy, 'computed')).toHaveProperty('value');
  });

  it('drops the prototype of class instances (methods are lost, own fields kept)', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      length(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    const copy = copyAcrossBridge(new Point(3, 4)) as Record<string, unknown>;
    expect(copy).toEqual({ x: 3, y: 4 });
    expect(copy).not.toBeInstanceOf(Point);
    expect(copy.length).toBeUndefined();
  });

  it('keeps a key named __proto__ as a key', () => {
    const source = JSON.parse('{"__proto__": {"polluted": true}}');
    const copy = copyAcrossBridge(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies arrays element by element (holes become undefined, extra keys are dropped)', () => {
    const source: unknown[] = [1];
    source[2] = { a: 1 };
    (source as unknown as Record<string, unknown>).extra = true;
    const copy = copyAcrossBridge(source) as unknown[];
    expect(copy).not.toBe(source);
    expect(copy).toEqual([1, undefined, { a: 1 }]);
    expect(1 in copy).toBe(true);
    expect((copy as unknown as Record<string, unknown>).extra).toBeUndefined();
  });

  it('keeps shared references and cycles within one crossing', () => {
    const shared = { n: 1 };
    const source: Record<string, unknown> = { a: shared, b: shared };
    source.self = source;
    const copy = copyAcrossBridge(source) as Record<string, any>;
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
    expect(copy.self).toBe(copy);
  });

  it('structured-clones the built-in kinds it does not copy by members', () => {
    const date = new Date(5);
    const map = new Map([[1, { x: 1 }]]);
    const bytes = new Uint8Array([1, 2, 3]);
    const copy = copyAcrossBridge({ date, map, bytes, re: /a/g, set: new Set([1]) }) as Record<string, any>;
    expect(copy.date).not.toBe(date);
    expect(copy.date.getTime()).toBe(5);
    expect(copy.map).not.toBe(map);
    expect(copy.map.get(1)).toEqual({ x: 1 });
    expect(copy.bytes).toEqual(bytes);
    expect(copy.bytes).not.toBe(bytes);
    expect(copy.re.source).toBe('a');
    expect([...copy.set]).toEqual([1]);
  });

  it('throws DataCloneError for what structured clone refuses (a function inside a Map, a WeakMap)', () => {
    expect(() => copyAcrossBridge(new Map([[1, () => 1]]))).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
    expect(() => copyAcrossBridge({ weak: new WeakMap() })).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
  });

  it('turns errors into plain Errors that keep only the message', () => {
    class CustomError extends Error {
      code = 'E_CUSTOM';
    }
    const copy = copyAcrossBridge(new CustomError('whoops')) as Error & { code?: string };
    expect(copy).toBeInstanceOf(Error);
    expect(copy).not.toBeInstanceOf(CustomError);
    expect(copy.constructor).toBe(Error);
    expect(copy.message).toBe('whoops');
    expect(copy.code).toBeUndefined();
    expect((copyAcrossBridge(new TypeError('t')) as Error).name).toBe('Error');
  });

  it('bridges functions: a new nameless function that copies arguments in and the result out', () => {
    const received: unknown[] = [];
    const original = function named(this: unknown, arg: { n: number }) {
      received.push(arg, this);
      return { got: arg.n };
    };
    (original as unknown as Record<string, unknown>).extra = 1;
    const bridged = copyAcrossBridge(original) as (arg: { n: number }) => { got: number };
    expect(bridged).not.toBe(original);
    expect(bridged.name).toBe('');
    expect((bridged as unknown as Record<string, unknown>).extra).toBeUndefined();
    const argument = { n: 7 };
    expect(bridged(argument)).toEqual({ got: 7 });
    expect(received[0]).toEqual(argument);
    expect(received[0]).not.toBe(argument);
    // Electron calls the original with itself as `this`.
    expect(received[1]).toBe(original);
  });

  it('bridges each crossing of the same function anew, but a bridged function sent back is the original', () => {
    const callback = () => 1;
    const first = copyAcrossBridge(callback);
    const second = copyAcrossBridge(callback);
    expect(first).not.toBe(second);
    expect(copyAcrossBridge(first)).toBe(callback);
  });

  it('rethrows what a bridged function throws as a plain Error with its message only', () => {
    const thrower = copyAcrossBridge(() => {
      throw new RangeError('out of range');
    }) as () => void;
    expect(thrower).toThrow(new Error('out of range'));
    try {
      thrower();
    } catch (error) {
      expect((error as Error).constructor).toBe(Error);
    }
    for (const thrown of ['text', 42, null, { message: 1 }]) {
      const bridged = copyAcrossBridge(() => {
        throw thrown;
      }) as () => void;
      expect(bridged).toThrow(UNKNOWN_EXCEPTION_MESSAGE);
    }
  });

  it('bridges promises: a new promise, resolved with a copy, rejected with a copied Error', async () => {
    const value = { n: 1 };
    const original = Promise.resolve(value);
    const bridged = copyAcrossBridge(original) as Promise<unknown>;
    expect(bridged).not.toBe(original);
    const result = await bridged;
    expect(result).toEqual(value);
    expect(result).not.toBe(value);
    const rejected = copyAcrossBridge(Promise.reject(new SyntaxError('bad'))) as Promise<unknown>;
    await expect(rejected).rejects.toThrow(new Error('bad'));
    await rejected.catch((error) => expect(error.constructor).toBe(Error));
  });

  it('refuses nesting of 1000 levels with Electron\u2019s text', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 1000; level++) deep = { deep };
    expect(() => copyAcrossBridge(deep)).toThrow(new TypeError(RECURSION_DEPTH_MESSAGE));
    let shallower: unknown = 'bottom';
    for (let level = 0; level < 998; level++) shallower = { deep: shallower };
    expect(() => copyAcrossBridge(shallower)).not.toThrow();
  });
});

describe('deepFreeze', () => {
  it('freezes objects, arrays and functions all the way down, except typed arrays', () => {
    const value = { list: [{ a: 1 }], fn: () => 1, bytes: new Uint8Array(2) };
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(Object.isFrozen(value.fn)).toBe(true);
    expect(Object.isFrozen(value.bytes)).toBe(false);
  });

  it('stops at cycles', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
  });
});
