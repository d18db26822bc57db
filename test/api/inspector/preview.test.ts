import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREVIEW_CHARS, previewOf } from '../../../src/api/inspector/preview.js';

describe('previewOf (payload previews of the inspector timeline)', () => {
  it('shows small values in full, as one line', () => {
    expect(previewOf([1, 'two', { a: [true, null] }, undefined, -0, 5n])).toBe(
      '[1, "two", {"a": [true, null]}, undefined, -0, 5n]',
    );
  });

  it('names what it does not open', () => {
    expect(
      previewOf([new Uint8Array(10), new Map([[1, 2]]), new Set(), new Date(0), /x/g, new Error('boom')]),
    ).toBe('[Uint8Array(10 bytes), Map(1), Set(0), 1970-01-01T00:00:00.000Z, /x/g, Error: boom]');
  });

  it('cuts long strings, deep nesting and long lists', () => {
    expect(previewOf(['x'.repeat(1000)])).toBe(`["${'x'.repeat(80)}…"]`);
    expect(previewOf([[[[[1]]]]])).toBe('[[[Array(1)]]]');
    const long = previewOf([Array.from({ length: 10_000 }, (_, i) => i)]);
    expect(long.length).toBeLessThanOrEqual(PREVIEW_CHARS);
    expect(long).toMatch(/^\[\[0, 1, 2, .*…/);
  });

  it('does not run getters', () => {
    let ran = false;
    const value = {
      get secret() {
        ran = true;
        return 1;
      },
    };
    expect(previewOf([value])).toBe('[{"secret": (getter)}]');
    expect(ran).toBe(false);
  });

  it('never throws and stays within PREVIEW_CHARS, whatever the values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.anything({
            withBigInt: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
          }),
        ),
        (values) => {
          const text = previewOf(values);
          expect(typeof text).toBe('string');
          expect(text.length).toBeLessThanOrEqual(PREVIEW_CHARS);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('costs the same for a huge payload as for a small one (bounded work)', () => {
    const huge = Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'v'.repeat(100) }));
    const started = performance.now();
    for (let i = 0; i < 100; i++) previewOf([huge]);
    // 100 previews of a 200 000-element array; walking it even once would take far longer.
    expect(performance.now() - started).toBeLessThan(200);
  });
});
