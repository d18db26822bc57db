/**
 * The decoder's allocation budget (`limits.maxAllocations`). Every container declares its element count
 * before its elements, so the decoder charges the whole container, at the costs below, before it
 * allocates it: a frame that would exceed the budget is refused having built almost nothing.
 *
 * One unit is what one value slot costs: 8 bytes of heap, and about 50 ns to decode on the reference
 * machine (a shared 2-core VM where fresh memory dominates). The other costs are the measured time to
 * decode each kind of value (V8, Node 20: frames of nothing else, at the budget, results kept alive)
 * over that of a slot, rounded up; each is also at least its heap size in 8-byte units. So a frame's
 * units bound both its decoding time and the heap it leaves. Bytes copied as they are (string
 * contents, ArrayBuffer contents) are bounded by `maxPayload`, not charged here.
 */
import { IpcError, IpcErrorCode } from '../errors.js';

/** What the budget needs of a reader: the ByteReader's, declared here so the two do not import each other. */
export interface BudgetedReader {
  /** Allocation units left. */
  budget: number;
  readonly limits: { readonly maxAllocations: number };
}

export const Cost = {
  /** Any value inside a container: an array element or hole, a property value, a Map key or value. */
  Slot: 1,
  /** A string of two or more bytes (one-character strings are shared), beyond its slot and bytes. */
  String: 6,
  /** An array. */
  Array: 4,
  /** A plain object. */
  Object: 12,
  /**
   * A property key read from the input (not one of a shape already defined): a string and a new
   * hidden class, or a dictionary entry once an object has many keys (1.2 µs a key for a 230,000-key
   * object, 2.4 µs for each one-key object with a key of its own).
   */
  Key: 32,
  /** An element of a sparse array (a dictionary entry). */
  SparseElement: 5,
  /** A Map (about 190 bytes empty: its hash table comes with it). */
  Map: 32,
  /** A Map entry beyond its key and value slots (hash chain and bucket). */
  MapEntry: 2,
  /** A Set (about 155 bytes empty). */
  Set: 20,
  /** A Set entry beyond its value slot. */
  SetEntry: 2,
  /** An Error (its message and stack are strings, charged as such; about 2 µs cold). */
  Error: 32,
  /** A Date (about 100 bytes). */
  Date: 12,
  /** A RegExp (before it is first used and compiled). */
  RegExp: 10,
  /** A boxed primitive. */
  Boxed: 4,
  /** A BigInt, plus one unit per byte of magnitude (parsing costs about 40 ns a byte). */
  BigInt: 4,
  /** An ArrayBuffer (its contents are bytes of the input; the object and its backing store are not). */
  Buffer: 32,
  /** A typed array or DataView. */
  View: 16,
  /** A protocol message: its record, and the frame's bookkeeping for it. */
  Message: 12,
} as const;

/**
 * The error for a frame that needs more than the budget: `what` was being decoded at byte `at`, with
 * `count` elements, keys or bytes when given. Hot paths call this only once the budget is spent, and
 * pass plain arguments (no string building where the charge is).
 */
export function overBudget(r: BudgetedReader, what: string, at: number, count?: number): IpcError {
  const detail = count === undefined ? what : `${what} ${count}`;
  return new IpcError(
    IpcErrorCode.LimitExceeded,
    `Input needs more than maxAllocations (${r.limits.maxAllocations}) allocation units: ${detail} at byte ${at}. ` +
      'If the sender is trusted and the message legitimate, raise limits.maxAllocations.',
  );
}

/**
 * Charges `units` to the reader's budget; throws {@link overBudget} when it runs out. Hot paths inline
 * the subtraction and call {@link overBudget} themselves.
 */
export function spend(r: BudgetedReader, units: number, what: string, at: number): void {
  if ((r.budget -= units) < 0) throw overBudget(r, `${what} needing ${units} units`, at);
}
