/**
 * How a value crosses Electron's `contextBridge`, reproduced inside one JavaScript world. Electron copies
 * between two worlds (V8 contexts) with these rules: primitives pass as they are; functions become new
 * functions that copy their arguments in and their result out; promises become new promises; errors
 * become plain `Error`s that keep only the message; arrays and plain objects are copied member by member
 * (own enumerable string keys; prototypes, getters and class identity are lost); DOM elements and blobs
 * pass by reference; anything else is structured-cloned (and throws `DataCloneError` when it cannot be).
 * @packageDocumentation
 */

import { RECURSION_DEPTH_MESSAGE, UNKNOWN_EXCEPTION_MESSAGE } from '../core/shared/electron-texts.js';

const MAX_DEPTH = 1000;

/** Bridged functions, each to the function it stands for: a function sent back crosses as its original. */
const originals = new WeakMap<Function, Function>();

/** Values already copied in one crossing: shared references and cycles stay shared in the copy. */
export type CrossingCache = Map<object, unknown>;

/**
 * The copy of `value` that the other side of the bridge sees. One `cache` per crossing (per exposed API,
 * per call's arguments, per result).
 * @throws TypeError past 1000 levels of nesting; `DataCloneError` for a value that cannot be cloned.
 */
export function copyAcrossBridge(value: unknown, cache: CrossingCache = new Map(), depth = 0): unknown {
  if (depth >= MAX_DEPTH) throw new TypeError(RECURSION_DEPTH_MESSAGE);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (cache.has(value)) return cache.get(value);
  let copy: unknown;
  if (typeof value === 'function') copy = originals.get(value) ?? bridgeFunction(value);
  else if (value instanceof Promise) copy = bridgePromise(value);
  else if (isNativeError(value)) copy = bridgeError(value);
  else if (Array.isArray(value)) return copyArray(value, cache, depth);
  else if (passesByReference(value)) copy = value;
  else if (isPlainObject(value)) return copyObject(value, cache, depth);
  else copy = structuredClone(value);
  cache.set(value, copy);
  return copy;
}

/** The message Electron keeps of a thrown value: its string `message`, or a fixed text. */
export function thrownMessage(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return UNKNOWN_EXCEPTION_MESSAGE;
}

/**
 * Freezes `value` and everything reachable from it, as Electron freezes an exposed API. Typed arrays
 * cannot be frozen and DOM objects are not copies: both are left alone.
 */
export function deepFreeze(value: unknown, seen = new Set<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (seen.has(value) || ArrayBuffer.isView(value) || passesByReference(value)) return;
  seen.add(value);
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value, seen);
  }
  Object.freeze(value);
}

function bridgeFunction(original: Function): Function {
  // A new function with no name, length or properties of the original's, as Electron's proxies.
  const bridged = (...args: unknown[]): unknown => {
    const cache: CrossingCache = new Map();
    const passed = args.map((arg) => copyAcrossBridge(arg, cache));
    let result: unknown;
    try {
      // Electron calls the original with itself as `this`.
      result = original.apply(original, passed);
    } catch (thrown) {
      throw new Error(thrownMessage(thrown));
    }
    return copyAcrossBridge(result, new Map());
  };
  Object.defineProperty(bridged, 'name', { value: '' });
  originals.set(bridged, original);
  return bridged;
}

function bridgePromise(original: Promise<unknown>): Promise<unknown> {
  return original.then(
    (result) => copyAcrossBridge(result),
    (reason) => {
      throw copyAcrossBridge(reason);
    },
  );
}

function bridgeError(error: object): Error {
  const message = (error as { message?: unknown }).message;
  return new Error(typeof message === 'string' ? message : String(error));
}

function copyArray(array: readonly unknown[], cache: CrossingCache, depth: number): unknown[] {
  const copy: unknown[] = new Array(array.length);
  cache.set(array, copy);
  for (let index = 0; index < array.length; index++)
    copy[index] = copyAcrossBridge(array[index], cache, depth + 1);
  return copy;
}

function copyObject(object: object, cache: CrossingCache, depth: number): object {
  const copy: Record<string, unknown> = {};
  cache.set(object, copy);
  for (const key of Object.keys(object)) {
    // defineProperty: a key named `__proto__` stays a key instead of replacing the copy's prototype.
    Object.defineProperty(copy, key, {
      value: copyAcrossBridge((object as Record<string, unknown>)[key], cache, depth + 1),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return copy;
}

function isNativeError(value: object): boolean {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** DOM elements and blobs (files included) are the same object on both sides in Electron. */
function passesByReference(value: object): boolean {
  const scope = globalThis as { Element?: Function; Blob?: Function };
  return (
    (typeof scope.Element === 'function' && value instanceof scope.Element) ||
    (typeof scope.Blob === 'function' && value instanceof scope.Blob)
  );
}

/** Electron's notion of a plain object: any object that is none of the built-in kinds it clones instead. */
function isPlainObject(value: object): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return false;
  for (const kind of CLONED_KINDS) if (value instanceof kind) return false;
  const tag = Object.prototype.toString.call(value);
  return tag !== '[object Map Iterator]' && tag !== '[object Set Iterator]' && tag !== '[object Arguments]';
}

const CLONED_KINDS: readonly Function[] = [
  Date,
  RegExp,
  Map,
  Set,
  WeakMap,
  WeakSet,
  Boolean,
  Number,
  String,
  BigInt,
  Symbol,
];
