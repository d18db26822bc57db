import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/protocol/codec/index.js';
import { isIpcError } from '../../../src/protocol/errors.js';
import { poisoned, withReferences } from './arbitraries.js';
import { cloneEqual } from './clone-equal.js';

const runs = Number(process.env.FC_RUNS ?? 1000);

describe('structuredClone equivalence (property)', () => {
  it('decode(encode(v)) deep-equals structuredClone(v), references and cycles included', () => {
    fc.assert(
      fc.property(withReferences, (v) => {
        const expected = structuredClone(v);
        const actual = decode(encode(v));
        const problem = cloneEqual(actual, expected);
        if (problem !== null) throw new Error(problem);
      }),
      { numRuns: runs },
    );
  });

  it('values hiding a non-cloneable: both throw, ours with ERR_IPC_NOT_CLONEABLE', () => {
    fc.assert(
      fc.property(poisoned, (v) => {
        expect(() => structuredClone(v)).toThrow();
        let error: unknown;
        try {
          encode(v);
        } catch (e) {
          error = e;
        }
        expect(isIpcError(error, 'ERR_IPC_NOT_CLONEABLE')).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('encoding is deterministic and decoding re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(withReferences, (v) => {
        const bytes = encode(v);
        expect(encode(v)).toEqual(bytes);
        expect(encode(decode(bytes))).toEqual(bytes);
      }),
      { numRuns: Math.ceil(runs / 4) },
    );
  });
});
