import type { ValueFixture } from './value-fixture.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

/** `count` records with the keys a, b (for the shape tags). */
const records = (count: number): { a: number; b: string }[] =>
  Array.from({ length: count }, (_, i) => ({ a: i, b: String.fromCharCode(97 + i) }));

/** Plain objects (0x0b), arrays (0x0c-0x0f), shapes (0x19, 0x1a), references (0x0a, 0x1b), Map, Set. */
export const containerFixtures: ValueFixture[] = [
  { name: 'Object empty', make: () => ({}), hex: '0b 00' },
  {
    name: 'Object {a: 1, b: "x"}',
    make: () => ({ a: 1, b: 'x' }),
    hex: [
      '0b', // Tag.Object
      '02', // varuint: 2 properties
      '04 61', // key: string header 1 * 4 + Latin1, "a"
      '81', // value: fixint 1 (0x80 + 1)
      '04 62', // key "b"
      '09 04 78', // value: Tag.String, header 1 * 4 + Latin1, "x"
    ].join(' '),
  },
  {
    name: 'Object with undefined and null values',
    make: () => ({ u: undefined, n: null }),
    hex: '0b 02 04 75 00 04 6e 01',
  },
  {
    name: 'Object numeric-like keys come first, ascending',
    make: () => ({ b: 1, 2: 2, 1: 3 }),
    hex: '0b 03 04 31 83 04 32 82 04 62 81',
  },
  {
    name: 'Object own "__proto__" key',
    make: () => JSON.parse('{"__proto__": 1, "x": 2}'),
    hex: '0b 02 24 5f 5f 70 72 6f 74 6f 5f 5f 81 04 78 82',
  },
  {
    name: 'Object unicode keys',
    make: () => ({ é: 1, '€': 2, '\ud800': 3 }),
    hex: '0b 03 04 e9 81 0d e2 82 ac 82 06 00 d8 83',
  },
  {
    name: 'Object class instance (own fields only)',
    make: () => new Point(1, 2),
    hex: '0b 02 04 78 81 04 79 82',
  },
  {
    name: 'Object null prototype',
    make: () => Object.assign(Object.create(null) as object, { k: 'v' }),
    hex: '0b 01 04 6b 09 04 76',
  },
  {
    name: 'Object nested',
    make: () => ({ o: { p: { q: [] } } }),
    hex: '0b 01 04 6f 0b 01 04 70 0b 01 04 71 0c 00',
  },
  { name: 'Array empty', make: () => [], hex: '0c 00' },
  { name: 'Array [1, "a", null]', make: () => [1, 'a', null], hex: '0c 03 81 09 04 61 01' },
  // biome-ignore lint/suspicious/noSparseArray: the hole is the point
  { name: 'Array with a hole [1, , 3]', make: () => [1, , 3], hex: '0c 03 81 0f 83' },
  { name: 'Array of 3 holes', make: () => new Array(3), hex: '0c 03 0f 0f 0f' },
  { name: 'Array [undefined] (not a hole)', make: () => [undefined], hex: '0c 01 00' },
  {
    name: 'ArrayProps named property',
    make: () => Object.assign([1, 2], { x: 'y' }),
    hex: '0d 02 81 82 01 04 78 09 04 79',
  },
  {
    name: 'ArrayProps hole and named property',
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    make: () => Object.assign([, 2], { x: 1 }),
    hex: '0d 02 0f 82 01 04 78 81',
  },
  {
    name: 'SparseArray length 100, one element',
    make: () => {
      const a: unknown[] = [];
      a[50] = 'x';
      a.length = 100;
      return a;
    },
    hex: '0e 64 01 32 09 04 78 00',
  },
  {
    name: 'SparseArray length 1,000,000 with a named property',
    make: () => {
      const a: unknown[] = [];
      a[0] = 1;
      a[999_999] = 2;
      return Object.assign(a, { n: true });
    },
    hex: '0e c0 84 3d 02 00 81 bf 84 3d 82 01 04 6e 03',
  },
  {
    name: 'Shape: 6 records, 4 Objects then ShapeDef and ShapeRef',
    make: () => records(6),
    hex: [
      '0c 06', // Tag.Array, length 6
      '0b 02 04 61 80 04 62 09 04 61', // records 0-3: Tag.Object (shapes start with the 5th plain object)
      '0b 02 04 61 81 04 62 09 04 62', // {a: 1, b: "b"}
      '0b 02 04 61 82 04 62 09 04 63', // {a: 2, b: "c"}
      '0b 02 04 61 83 04 62 09 04 64', // {a: 3, b: "d"}
      '19 02 04 61 04 62', // Tag.ShapeDef: 2 keys "a", "b" (shape 0)
      '84 09 04 65', // its values: 4, "e"
      '1a 00', // Tag.ShapeRef: shape 0
      '85 09 04 66', // its values: 5, "f"
    ].join(' '),
  },
  {
    name: 'Shape: 12 records (the compiled writer and reader, when enabled)',
    make: () => records(12),
    hex: `
      0c 0c 0b 02 04 61 80 04 62 09 04 61 0b 02 04 61
      81 04 62 09 04 62 0b 02 04 61 82 04 62 09 04 63
      0b 02 04 61 83 04 62 09 04 64 19 02 04 61 04 62
      84 09 04 65 1a 00 85 09 04 66 1a 00 86 09 04 67
      1a 00 87 09 04 68 1a 00 88 09 04 69 1a 00 89 09
      04 6a 1a 00 8a 09 04 6b 1a 00 8b 09 04 6c
    `,
  },
  {
    name: 'Shape: two shapes interleaved',
    make: () => Array.from({ length: 8 }, (_, i) => (i % 2 ? { a: i, b: 0 } : { b: i, a: 0 })),
    hex: `
      0c 08 0b 02 04 62 80 04 61 80 0b 02 04 61 81 04
      62 80 0b 02 04 62 82 04 61 80 0b 02 04 61 83 04
      62 80 19 02 04 62 04 61 84 80 19 02 04 61 04 62
      85 80 1a 00 86 80 1a 01 87 80
    `,
  },
  {
    name: 'Shape: a record nesting a record of the same shape',
    make: () => [...records(4), { v: 1, next: { v: 2, next: null } }],
    hex: `
      0c 05 0b 02 04 61 80 04 62 09 04 61 0b 02 04 61
      81 04 62 09 04 62 0b 02 04 61 82 04 62 09 04 63
      0b 02 04 61 83 04 62 09 04 64 19 02 04 76 10 6e
      65 78 74 81 1a 00 82 01
    `,
  },
  {
    name: 'Shape: a key deleted by a getter while encoding is a Hole',
    make: () => [
      ...records(5),
      {
        get a() {
          delete (this as { b?: string }).b;
          return 9;
        },
        b: 'never sent',
      },
    ],
    hex: `
      0c 06 0b 02 04 61 80 04 62 09 04 61 0b 02 04 61
      81 04 62 09 04 62 0b 02 04 61 82 04 62 09 04 63
      0b 02 04 61 83 04 62 09 04 64 19 02 04 61 04 62
      84 09 04 65 1a 00 89 0f
    `,
    reencoded: `
      0c 06 0b 02 04 61 80 04 62 09 04 61 0b 02 04 61
      81 04 62 09 04 62 0b 02 04 61 82 04 62 09 04 63
      0b 02 04 61 83 04 62 09 04 64 19 02 04 61 04 62
      84 09 04 65 19 01 04 61 89
    `,
  },
  {
    name: 'Ref: one object twice',
    make: () => {
      const shared = { s: 1 };
      return [shared, shared];
    },
    hex: [
      '1b', // Tag.Refs: the value contains references
      '0c 02', // Tag.Array, length 2 (object id 0)
      '0b 01 04 73 81', // {s: 1} (object id 1)
      '0a 01', // Tag.Ref: object id 1
    ].join(' '),
  },
  {
    name: 'Ref: an object containing itself',
    make: () => {
      const o: Record<string, unknown> = { name: 'loop' };
      o.self = o;
      return o;
    },
    hex: '1b 0b 02 10 6e 61 6d 65 09 10 6c 6f 6f 70 10 73 65 6c 66 0a 00',
  },
  {
    name: 'Ref: an array containing itself',
    make: () => {
      const a: unknown[] = [1];
      a.push(a);
      return a;
    },
    hex: '1b 0c 02 81 0a 00',
  },
  {
    name: 'Ref: a Map keyed by itself, a Set holding itself',
    make: () => {
      const m = new Map<unknown, unknown>();
      m.set(m, 1);
      const s = new Set<unknown>();
      s.add(s);
      return [m, s];
    },
    hex: '1b 0c 02 12 01 0a 01 81 13 01 0a 02',
  },
  { name: 'Map empty', make: () => new Map(), hex: '12 00' },
  {
    name: 'Map mixed keys',
    make: () =>
      new Map<unknown, unknown>([
        [1, 'one'],
        ['k', { v: true }],
        [null, undefined],
      ]),
    hex: '12 03 81 09 0c 6f 6e 65 09 04 6b 0b 01 04 76 03 01 00',
  },
  { name: 'Set empty', make: () => new Set(), hex: '13 00' },
  {
    name: 'Set mixed values',
    make: () => new Set<unknown>([1, 'x', null, 1n]),
    hex: '13 04 81 09 04 78 01 07 01 01',
  },
];
