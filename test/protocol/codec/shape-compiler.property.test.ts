import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decode, encode, setShapeCompilation } from '../../../src/protocol/codec/index.js';
import {
  COMPILE_AFTER_USES,
  cachedFactory,
  cachedWriter,
  clearShapeCaches,
} from '../../../src/protocol/codec/shape-compiler.js';
import { key, leaf } from './arbitraries.js';
import { cloneEqual } from './clone-equal.js';

/*
 * The compiled shape writers and readers (shape-compiler.ts) against the generic loops, on random key
 * lists. Compilation needs one key list used COMPILE_AFTER_USES times in one message, which random
 * values almost never do: here every value is an array of many records sharing a few random key lists.
 */

const runs = Number(process.env.FC_RUNS ?? 1000);
/** Each run encodes and decodes a value three ways (~10 ms): a quarter of FC_RUNS, like the re-encode test. */
const numRuns = Math.ceil(runs / 4);

/** Keys that stress the generated code: quoting, names of its own variables, numeric-like keys. */
const trickyKey = fc.constantFrom(
  '"',
  "'",
  '\\',
  '`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a key that looks like a placeholder
  '${x}',
  '\u2028',
  '\u2029',
  '</script>',
  '__proto__',
  ' __proto__',
  'constructor',
  'hasOwnProperty',
  'callee',
  'this',
  'prototype',
  // Parameter and variable names inside the compiled functions.
  'a',
  'c',
  'd',
  'f',
  'h',
  'n',
  'o',
  'r',
  's',
  'S',
  'st',
  't',
  'v',
  'w',
  'x',
  // Array-index keys come first in own-key order; the others keep insertion order.
  '0',
  '7',
  '4294967294',
  '4294967295',
  '01',
  '-1',
  '1.5',
  '1e3',
);

const shapeKey = fc.oneof(
  { weight: 3, arbitrary: key },
  { weight: 2, arbitrary: trickyKey },
  { weight: 1, arbitrary: fc.nat({ max: 2 ** 32 }).map(String) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
);

const keyList = fc.uniqueArray(shapeKey, { minLength: 1, maxLength: 8 });

/** A field value: a leaf of any cloneable kind, or a record of one of the key lists (nested shapes). */
type Field = { leaf: unknown } | { nested: number; values: unknown[] };
const field: fc.Arbitrary<Field> = fc.oneof(
  { weight: 6, arbitrary: leaf.map((v) => ({ leaf: v })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ nested: fc.nat(), values: fc.array(leaf, { minLength: 8, maxLength: 8 }) })
      .map((r) => r as Field),
  },
);

/** Enough records per key list that compilation happens whatever the interleaving (see below). */
const MIN_RECORDS = COMPILE_AFTER_USES + 6;

const plan = fc.record({
  keyLists: fc.array(keyList, { minLength: 1, maxLength: 3 }),
  records: fc.array(
    fc.record({ count: fc.integer({ min: MIN_RECORDS, max: MIN_RECORDS + 10 }), seed: fc.nat() }),
    { minLength: 3, maxLength: 3 },
  ),
  fields: fc.array(field, { minLength: 8, maxLength: 8 }),
  shuffle: fc.nat(),
  /** A record whose first getter deletes its last key while it is encoded (a Hole in the shape). */
  deleter: fc.option(fc.nat(), { nil: undefined }),
});
type Plan = typeof plan extends fc.Arbitrary<infer P> ? P : never;

/** An own enumerable data property, even for `__proto__` (like JSON.parse makes). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function record(keys: readonly string[], values: (i: number) => unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    if (k === '__proto__') put(o, k, values(i));
    else o[k] = values(i);
  });
  return o;
}

/** Builds the value of `p` afresh (the deleter mutates its record while it is encoded). */
function build(p: Plan): Record<string, unknown>[] {
  const { keyLists, fields } = p;
  const fieldValues = (salt: number) => (i: number) => {
    const f = fields[(i + salt) % fields.length]!;
    if ('leaf' in f) return f.leaf;
    const keys = keyLists[f.nested % keyLists.length]!;
    return record(keys, (j) => f.values[j % f.values.length]);
  };
  const out: Record<string, unknown>[] = [];
  keyLists.forEach((keys, s) => {
    const { count, seed } = p.records[s]!;
    for (let n = 0; n < count; n++) out.push(record(keys, fieldValues(seed + n)));
  });
  // A deterministic shuffle: the key lists interleave, so shapes are defined and used in any order.
  let x = p.shuffle;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  if (p.deleter !== undefined) {
    const target = out[p.deleter % out.length]!;
    const keys = Object.keys(target);
    // Not a last key of '__proto__': a key list with it is never compiled, and the count of eligible
    // runs below reads the keys after encoding, when the getter has deleted it (values-objects.test.ts
    // covers that deletion).
    if (keys.length >= 2 && keys[keys.length - 1] !== '__proto__') {
      const first = keys[0]!;
      const last = keys[keys.length - 1]!;
      const value = target[first];
      Object.defineProperty(target, first, {
        get() {
          delete target[last];
          return value;
        },
        enumerable: true,
        configurable: true,
      });
    }
  }
  return out;
}

function encodeWith(compile: boolean, value: unknown): Uint8Array {
  setShapeCompilation(compile);
  try {
    return encode(value);
  } finally {
    setShapeCompilation(true);
  }
}

function decodeWith(compile: boolean, bytes: Uint8Array): unknown {
  setShapeCompilation(compile);
  try {
    return decode(bytes);
  } finally {
    setShapeCompilation(true);
  }
}

/** Byte equality (expect().toEqual on typed arrays is slow enough to dominate a property run). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  if (at < actual.length || actual.length !== expected.length) {
    throw new Error(
      `${what}: ${actual.length} bytes, first difference at byte ${at} of ${expected.length} (generic path)`,
    );
  }
}

/** Whether compiled code exists for some key list of the value (one without `__proto__`, as compiled). */
function compiledSomeShape(value: Record<string, unknown>[]): boolean {
  const lists = new Map(value.map((o) => [Object.keys(o).join('\u0000'), Object.keys(o)]));
  return [...lists.values()].some(
    (keys) => keys.length > 0 && cachedWriter(keys) !== undefined && cachedFactory(keys) !== undefined,
  );
}

describe('compiled shapes against the generic path (property)', () => {
  // The compiler refills its rate limit from Date.now(); a clock moved on by a minute before each run
  // keeps the limit from turning later runs into generic-only ones. (Only Date.now is replaced: a fake
  // Date class would give decoded Dates another prototype.)
  let now = Date.now();
  beforeAll(() => {
    vi.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    setShapeCompilation(true);
  });

  it('same bytes and equal values with compilation on and off, on random key lists', () => {
    let compiledRuns = 0;
    let eligibleRuns = 0;
    fc.assert(
      fc.property(plan, (p) => {
        now += 60_000;
        // A full cache is cleared when the next function is added: writers and factories would then
        // hold different key lists, and the count below could not tell compiled runs apart.
        clearShapeCaches();
        const generic = encodeWith(false, build(p));
        const compiling = encodeWith(true, build(p)); // compiles during this message
        const cached = encodeWith(true, build(p)); // compiled code from its first object on
        expectSameBytes(compiling, generic, 'compiled while encoding');
        expectSameBytes(cached, generic, 'compiled before encoding');

        const decodedGeneric = decodeWith(false, generic);
        const decodedCompiling = decodeWith(true, generic);
        const decodedCached = decodeWith(true, generic);
        const expected = structuredClone(build(p));
        for (const decoded of [decodedGeneric, decodedCompiling, decodedCached]) {
          const problem = cloneEqual(decoded, expected);
          if (problem !== null) throw new Error(problem);
        }
        if (p.deleter === undefined) {
          expectSameBytes(encodeWith(true, decodedCompiling), generic, 're-encoded');
        }

        const value = build(p);
        if (value.some((o) => Object.keys(o).length > 0 && !Object.hasOwn(o, '__proto__'))) {
          eligibleRuns++;
          if (compiledSomeShape(value)) compiledRuns++;
        }
      }),
      { numRuns },
    );
    // Runs that have a key list the compiler accepts must have used compiled code. Not every one: a run
    // whose nested records compile many shapes can spend the compiler's token bucket or fill its
    // 512-entry cache (both by design), which left one run in about 2,500 generic. What this guards
    // against is compilation silently not happening, which would make every run generic.
    expect(compiledRuns).toBeGreaterThanOrEqual(Math.floor(eligibleRuns * 0.99));
    expect(eligibleRuns).toBeGreaterThan(numRuns / 2);
  }, 180_000); // CI runs 10^4 cases (FC_RUNS) beside other test files: 30 s was not always enough
});
