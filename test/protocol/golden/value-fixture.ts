/** One golden value fixture: a value and the exact bytes the codec writes for it. */
export interface ValueFixture {
  /** Unique; names the fixture in test titles and in the wire record (wire-record.ts). */
  readonly name: string;
  /** Builds the value afresh: values are mutable, and each check gets its own. */
  readonly make: () => unknown;
  /** The encoding as hex byte pairs (whitespace ignored). */
  readonly hex: string;
  /** What decoding gives, when that is not `structuredClone(make())` (a documented deviation). */
  readonly expected?: () => unknown;
  /** The encoding of the decoded value, when it is not `hex` (the decoder cannot see what was deleted). */
  readonly reencoded?: string;
}

/** An Error with a fixed stack, so its bytes do not depend on where the fixture file lives. */
export function errorWithStack<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}\n    at golden`;
  return error;
}
