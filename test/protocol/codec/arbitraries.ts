import fc from 'fast-check';

/** Single UTF-16 units or pairs: ASCII, Latin-1, BMP (lone surrogates included) and astral characters. */
export const unit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0x100, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '😀', '\ud800', '\udfff', '\uFEFF') },
);

export const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 60, maxLength: 200 }) },
);

export const key = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 6 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'length',
      '0',
      '1',
      '10',
      'a',
      'b',
    ),
  },
);

const ERROR_CTORS: ErrorConstructor[] = [
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
];
class CustomError extends Error {}

export const errorValue = fc
  .record({
    ctor: fc.integer({ min: 0, max: ERROR_CTORS.length + 1 }),
    message: fc.option(fc.oneof(text, fc.integer()), { nil: undefined }),
    name: fc.option(fc.constantFrom('TypeError', 'RangeError', 'Custom', 'AggregateError', ''), {
      nil: undefined,
    }),
    stack: fc.constantFrom('keep', 'string', 'number', 'delete'),
    cause: fc.option(
      fc.oneof(fc.integer(), text, fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
      {
        nil: undefined,
      },
    ),
    hasCause: fc.boolean(),
    extra: fc.boolean(),
  })
  .map((r) => {
    let e: Error;
    if (r.ctor === ERROR_CTORS.length) e = new CustomError();
    else if (r.ctor === ERROR_CTORS.length + 1) e = new AggregateError([]);
    else e = new ERROR_CTORS[r.ctor]!();
    if (r.message !== undefined) (e as { message: unknown }).message = r.message;
    if (r.name !== undefined) e.name = r.name;
    if (r.stack === 'string') e.stack = 'custom stack';
    else if (r.stack === 'number') (e as { stack: unknown }).stack = 5;
    else if (r.stack === 'delete') delete (e as { stack?: string }).stack;
    if (r.hasCause) (e as { cause?: unknown }).cause = r.cause;
    if (r.extra) (e as { extra?: number }).extra = 1;
    return e;
  });

export const regexpValue = fc
  .record({
    source: fc.constantFrom('', 'a+b', '\\d{2,}', '[/]', '(?<n>x)|y', '^\\u{1F600}$', '\\p{L}+', '.\n'),
    flags: fc.subarray(['d', 'g', 'i', 'm', 's', 'y']),
    unicode: fc.constantFrom('', 'u', 'v'),
    lastIndex: fc.nat({ max: 5 }),
  })
  .map((r) => {
    let re: RegExp;
    try {
      re = new RegExp(r.source, r.flags.join('') + r.unicode);
    } catch {
      re = new RegExp(r.source.replace(/\\[pu]\{?[^}]*\}?/g, ''), r.flags.join(''));
    }
    re.lastIndex = r.lastIndex;
    return re;
  });

const ResizableAB = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;

export const bufferValue = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((u) => u.buffer),
  fc
    .record({ bytes: fc.uint8Array({ maxLength: 16 }), extra: fc.nat({ max: 32 }) })
    .map(({ bytes, extra }) => {
      const b = new ResizableAB(bytes.length, { maxByteLength: bytes.length + extra });
      new Uint8Array(b).set(bytes);
      return b;
    }),
);

type ViewCtor = new (b: ArrayBuffer, o: number, l: number) => ArrayBufferView;
const VIEW_CTORS: [ViewCtor, number][] = [
  [Int8Array, 1],
  [Uint8Array, 1],
  [Uint8ClampedArray, 1],
  [Int16Array, 2],
  [Uint16Array, 2],
  [Int32Array, 4],
  [Uint32Array, 4],
  [Float32Array, 4],
  [Float64Array, 8],
  [BigInt64Array as unknown as ViewCtor, 8],
  [BigUint64Array as unknown as ViewCtor, 8],
  [DataView as unknown as ViewCtor, 1],
];

/** Several views (every kind) over one shared ArrayBuffer, sometimes with the buffer itself. */
export const sharedViews = fc
  .record({
    bytes: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    views: fc.array(
      fc.record({ kind: fc.nat({ max: VIEW_CTORS.length - 1 }), a: fc.nat(64), b: fc.nat(64) }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    withBuffer: fc.boolean(),
  })
  .map(({ bytes, views, withBuffer }) => {
    const buffer = bytes.buffer;
    const out: unknown[] = views.map(({ kind, a, b }) => {
      const [Ctor, size] = VIEW_CTORS[kind]!;
      const offset = Math.floor(Math.min(a, b) / size) * size;
      const count = Math.floor((Math.max(a, b) - offset) / size);
      return new Ctor(buffer, offset, count);
    });
    if (withBuffer) out.push(buffer);
    return out;
  });

class Plain {
  x = 1;
  method(): number {
    return this.x;
  }
}

export const miscValue = fc.oneof(
  fc.bigInt().map((b) => Object(b) as object),
  fc.dictionary(key, fc.integer(), { maxKeys: 3 }).map((d) => Object.assign(new Plain(), d)),
  fc
    .record({ length: fc.integer({ min: 100, max: 1_000_000 }), at: fc.array(fc.nat(), { maxLength: 3 }) })
    .map(({ length, at }) => {
      const a: unknown[] = [];
      a.length = length;
      for (const i of at) a[i % length] = i;
      return a;
    }),
  fc
    .tuple(fc.array(fc.integer(), { maxLength: 4 }), fc.dictionary(key, fc.integer(), { maxKeys: 2 }))
    .map(([a, props]) => {
      for (const [k, v] of Object.entries(props)) {
        // ('constructor' on an array breaks fast-check's own stringify of withObjectString values)
        if (k !== 'length' && k !== 'constructor')
          Object.defineProperty(a, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return a;
    }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.constantFrom(new Date(Number.NaN), new Date(-8.64e15), Object(-0) as object),
);

export const leaf = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.double(),
      text,
      fc.constant(null),
      fc.constant(undefined),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 31), 127, 128),
  },
  { weight: 2, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: errorValue },
  { weight: 1, arbitrary: regexpValue },
  { weight: 1, arbitrary: bufferValue },
  { weight: 1, arbitrary: sharedViews },
  { weight: 1, arbitrary: miscValue },
);

/** Values of every cloneable kind, trees only (references are added by {@link withReferences}). */
export const tree = fc.anything({
  key,
  values: [leaf],
  maxDepth: 4,
  maxKeys: 5,
  size: 'small',
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Objects reachable from `root` that can receive new members, and every object (possible targets). */
function collect(root: unknown): { containers: object[]; all: object[] } {
  const containers: object[] = [];
  const all: object[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    all.push(v);
    // Never descend into Errors: a reference from inside an error's cause back to the error makes Node's
    // structuredClone fail to deserialize (a V8 bug our codec does not have); the oracle must work.
    if (v instanceof Error || ArrayBuffer.isView(v) || v instanceof Date || v instanceof RegExp) return;
    if (v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt) return;
    if (v instanceof ArrayBuffer) return;
    if (v instanceof Map) {
      containers.push(v);
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) {
      containers.push(v);
      for (const x of v) visit(x);
    } else {
      containers.push(v);
      for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k]);
    }
  };
  visit(root);
  return { containers, all };
}

function insert(container: object, name: string, target: unknown): void {
  if (container instanceof Map) container.set(`ref ${name}`, target);
  else if (container instanceof Set) container.add(target);
  else if (Array.isArray(container)) container.push(target);
  else
    Object.defineProperty(container, `ref ${name}`, {
      value: target,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** Trees with shared references and cycles added between random objects of the tree. */
export const withReferences = fc
  .tuple(tree, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 2 })), { maxLength: 6 }))
  .map(([root, links]) => {
    const { containers, all } = collect(root);
    if (containers.length === 0) return root;
    for (const [c, t, name] of links) insert(containers[c % containers.length]!, name, all[t % all.length]);
    return root;
  });

const nonCloneables: (() => unknown)[] = [
  () => () => 1,
  () => function named() {},
  () => Symbol('s'),
  () => Promise.resolve(),
  () => new WeakMap(),
  () => new WeakSet(),
  () => new WeakRef({}),
  () => Object(Symbol('boxed')),
  () =>
    (function* gen() {
      yield 1;
    })(),
];

/** A cloneable value with one non-cloneable value hidden somewhere inside. */
export const poisoned = fc
  .tuple(withReferences, fc.nat(), fc.nat({ max: nonCloneables.length - 1 }), fc.string({ maxLength: 2 }))
  .map(([root, at, which, name]) => {
    const bad = nonCloneables[which]!();
    const { containers } = collect(root);
    if (containers.length === 0) return [root, bad];
    const c = containers[at % containers.length]!;
    if (c instanceof Map && at % 2 === 0) c.set(bad, 1);
    else insert(c, name, bad);
    return root;
  });
