import { describe, expect, it } from 'vitest';
import { encode, setShapeCompilation } from '../../../src/protocol/codec/index.js';
import { IpcError } from '../../../src/protocol/errors.js';

/** Ours throws IpcError ERR_IPC_NOT_CLONEABLE with Electron's message; checks structuredClone too. */
function rejects(v: unknown, structuredCloneThrows = true): void {
  let error: unknown;
  try {
    encode(v);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IpcError);
  expect((error as IpcError).code).toBe('ERR_IPC_NOT_CLONEABLE');
  expect((error as IpcError).message).toBe('An object could not be cloned.');
  if (structuredCloneThrows) expect(() => structuredClone(v)).toThrow();
  else expect(() => structuredClone(v)).not.toThrow();
}

function* generator(): Generator<number> {
  yield 1;
}
async function* asyncGenerator(): AsyncGenerator<number> {
  yield 1;
}

describe('values structuredClone rejects', () => {
  const fn = (): number => 1;
  const cases: [string, () => unknown][] = [
    ['arrow function', () => fn],
    ['class', () => class A {}],
    ['bound function', () => fn.bind(null)],
    ['async function', () => async () => 1],
    ['generator function', () => generator],
    ['symbol', () => Symbol('s')],
    ['registered symbol', () => Symbol.for('x')],
    ['boxed symbol', () => Object(Symbol('s'))],
    ['Promise', () => Promise.resolve(1)],
    ['WeakMap', () => new WeakMap()],
    ['WeakSet', () => new WeakSet()],
    ['WeakRef', () => new WeakRef({})],
    ['FinalizationRegistry', () => new FinalizationRegistry(() => undefined)],
    ['generator object', () => generator()],
    ['async generator object', () => asyncGenerator()],
    ['array iterator', () => [1].values()],
    ['Map iterator', () => new Map().entries()],
    [
      'arguments (sloppy)',
      () =>
        (function (_a: number) {
          // biome-ignore lint/complexity/noArguments: the point of the test
          return arguments;
        })(1),
    ],
    ['globalThis', () => globalThis],
    ['Intl.Collator', () => new Intl.Collator()],
    ['WebAssembly.Memory', () => new WebAssembly.Memory({ initial: 1 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: at top level and nested anywhere`, () => {
      rejects(make());
      rejects({ a: { b: make() } });
      rejects([1, [make()]]);
      rejects(new Map([[make(), 1]]));
      rejects(new Map([[1, make()]]));
      rejects(new Set([make()]));
      rejects(new Error('e', { cause: make() }));
      rejects({
        get lazy() {
          return make();
        },
      });
    });
  }

  it('an arguments object among plain objects with the same keys (shape paths, compiled or not)', () => {
    const args = (function (_a: number, _b: number) {
      // biome-ignore lint/complexity/noArguments: the point of the test
      return arguments;
    })(1, 2);
    const empty = (function () {
      // biome-ignore lint/complexity/noArguments: the point of the test
      return arguments;
    })();
    for (const compile of [true, false]) {
      setShapeCompilation(compile);
      try {
        const lookAlikes = Array.from({ length: 40 }, () => ({ 0: 1, 1: 2 }));
        rejects([...lookAlikes, args]);
        rejects([...lookAlikes, args, ...lookAlikes]);
        rejects([...Array.from({ length: 40 }, () => ({})), empty]);
      } finally {
        setShapeCompilation(true);
      }
    }
  });

  it('a module namespace object (whatever the loader returns, like structuredClone)', async () => {
    const ns = await import('node:path');
    let theirs = false;
    try {
      structuredClone(ns);
    } catch {
      theirs = true;
    }
    if (theirs) rejects(ns);
    else expect(() => encode(ns)).not.toThrow();
    // A null-prototype object merely tagged "Module" is an ordinary object.
    const fake = Object.create(null) as Record<PropertyKey, unknown>;
    fake[Symbol.toStringTag] = 'Module';
    fake.x = 1;
    expect(() => encode(fake)).not.toThrow();
    expect(() => structuredClone(fake)).not.toThrow();
  });

  it('a detached ArrayBuffer and views on it', () => {
    const b = new ArrayBuffer(8);
    const view = new Uint8Array(b);
    structuredClone(b, { transfer: [b] });
    rejects(b);
    rejects(view);
  });

  it('an Error whose name or message is a symbol (V8 throws a TypeError)', () => {
    const e1 = new Error('x');
    (e1 as { name: unknown }).name = Symbol('n');
    const e2 = new Error('x');
    (e2 as { message: unknown }).message = Symbol('m');
    rejects(e1);
    rejects(e2);
  });

  it('is synchronous and leaves the codec usable', () => {
    expect(() => encode([1, () => 1])).toThrow(IpcError);
    expect(encode([1, 2]).length).toBeGreaterThan(0);
  });
});

describe('deliberate deviations (documented in codec/index.ts)', () => {
  it('SharedArrayBuffer and views on one: memory cannot be shared across processes', () => {
    const sab = new SharedArrayBuffer(8);
    rejects(sab, false);
    rejects(new Int32Array(sab), false);
  });

  it('MessagePort (Node needs it in the transfer list) and Blob (Node clones it)', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      rejects(port1);
    } finally {
      port1.close();
      port2.close();
    }
    rejects(new Blob(['x']), false);
  });
});

describe('values that look dangerous but are cloneable', () => {
  it('symbol keys and non-enumerable functions are skipped', () => {
    const o: Record<string | symbol, unknown> = { a: 1, [Symbol('k')]: () => 1 };
    Object.defineProperty(o, 'f', { value: () => 1, enumerable: false });
    expect(() => encode(o)).not.toThrow();
  });

  it('class instances with methods, Object.create(null), Math, JSON, Reflect', () => {
    class WithMethods {
      x = 1;
      method(): number {
        return 1;
      }
    }
    for (const v of [new WithMethods(), Object.create(null), Math, JSON, Reflect, new URL('http://x/')]) {
      expect(() => encode(v)).not.toThrow();
      expect(() => structuredClone(v)).not.toThrow();
    }
  });
});
