import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, setShapeCompilation } from '../../../src/protocol/codec/index.js';
import { ErrorKind, Tag, ViewKind } from '../../../src/protocol/codec/tags.js';
import { cloneEqual } from '../codec/clone-equal.js';
import { valueFixtures } from './all-fixtures.js';
import { fromHex, normalizeHex, toHex } from './hex.js';

/*
 * The value encoding pinned by bytes (docs/protocol.md, tags in src/protocol/codec/tags.ts): a round trip
 * cannot see a format change, these can. Every fixture runs with shape compilation on and off, which
 * must not change a byte.
 */
describe.each([
  ['on', true],
  ['off', false],
])('golden values (shape compilation %s)', (_, compile) => {
  beforeAll(() => setShapeCompilation(compile));
  afterAll(() => setShapeCompilation(true));

  it.each(valueFixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    expect(toHex(encode(f.make())), 'encode(value) gives the fixture').toBe(normalizeHex(f.hex));
    const decoded = decode(fromHex(f.hex));
    const expected = f.expected === undefined ? structuredClone(f.make()) : f.expected();
    expect(cloneEqual(decoded, expected), 'decode(fixture) equals the value').toBeNull();
    expect(toHex(encode(decoded)), 'decode then encode gives the same bytes').toBe(
      normalizeHex(f.reencoded ?? f.hex),
    );
  });
});

/** Tags that a value can start with (after the optional Refs marker). */
const firstTags = new Set(
  valueFixtures.map((f) => {
    const bytes = fromHex(f.hex);
    return bytes[0] === Tag.Refs ? bytes[1]! : bytes[0]!;
  }),
);

describe('golden value fixtures cover the format', () => {
  it('every tag that can start a value starts a fixture, fixints at both ends', () => {
    const inner: number[] = [Tag.Ref, Tag.Hole, Tag.ShapeDef, Tag.ShapeRef, Tag.Refs, Tag.FixIntBase];
    const missing = Object.entries(Tag).filter(([, tag]) => !inner.includes(tag) && !firstTags.has(tag));
    expect(missing.map(([name]) => name)).toEqual([]);
    expect(firstTags.has(Tag.FixIntBase)).toBe(true);
    expect(firstTags.has(0xff)).toBe(true);
  });

  it('the tags found only inside a value appear in fixtures named for them', () => {
    const named = (prefix: string, tag: number): boolean =>
      valueFixtures.some((f) => f.name.startsWith(prefix) && fromHex(f.hex).includes(tag));
    expect(named('Ref:', Tag.Ref) && named('Ref:', Tag.Refs)).toBe(true);
    expect(named('Array with a hole', Tag.Hole)).toBe(true);
    expect(named('Shape:', Tag.ShapeDef) && named('Shape:', Tag.ShapeRef)).toBe(true);
  });

  it('every view kind the runtime has and every error kind has a fixture', () => {
    const names = new Set(valueFixtures.map((f) => f.name.split(' ').slice(0, 2).join(' ')));
    // Float16Array needs Node 24 (or a browser); Node 20 cannot make one, so no fixture pins it yet.
    const viewKinds = Object.keys(ViewKind).filter((k) => k in globalThis && k !== 'DataView');
    expect(viewKinds.filter((k) => !names.has(`View ${k}`))).toEqual([]);
    expect(names.has('View DataView')).toBe(true);
    const errorKinds = Object.keys(ErrorKind).filter((k) => k !== 'Error');
    expect(errorKinds.filter((k) => !names.has(`Error ${k}`))).toEqual([]);
  });

  it('fixture names are unique', () => {
    const names = valueFixtures.map((f) => f.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
