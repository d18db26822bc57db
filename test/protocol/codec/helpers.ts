import { expect } from 'vitest';
import { decode, encode } from '../../../src/protocol/codec/index.js';
import { IpcError } from '../../../src/protocol/errors.js';
import { cloneEqual } from './clone-equal.js';

/** decode(encode(v)). */
export const rt = <T>(v: T): T => decode(encode(v)) as T;

/** decode(encode(v)) must equal structuredClone(v) exactly. */
export function same(v: unknown): void {
  const problem = cloneEqual(rt(v), structuredClone(v));
  expect(problem).toBeNull();
}

/** Like same(), for values whose getters mutate them: each side gets a fresh value. */
export function sameFresh(make: () => unknown): void {
  const problem = cloneEqual(rt(make()), structuredClone(make()));
  expect(problem).toBeNull();
}

/** The IpcError code `f` throws (it must throw nothing else), or undefined when it returns. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IpcError);
    return (e as IpcError).code;
  }
  return undefined;
}
