/**
 * Classification of objects that are neither arrays nor plain objects (prototype `Object.prototype` or
 * `null`), mirroring what V8's ValueSerializer decides from an object's internal slots. JavaScript cannot
 * read internal slots, so we combine `Object.prototype.toString` (the built-in tag comes from internal
 * slots for Date/RegExp/Error/boxed primitives/Arguments) with side-effect-free brand checks (calling an
 * intrinsic getter or method that throws for objects without the slot).
 */

/** What to do with an object. */
export const Kind = {
  Plain: 0,
  Date: 1,
  RegExp: 2,
  Map: 3,
  Set: 4,
  ArrayBuffer: 5,
  View: 6,
  Error: 7,
  Number: 8,
  String: 9,
  Boolean: 10,
  BigInt: 11,
  NotCloneable: 12,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

function getter(proto: object | undefined, name: PropertyKey): AnyFn | undefined {
  if (proto === undefined) return undefined;
  return Object.getOwnPropertyDescriptor(proto, name)?.get as AnyFn | undefined;
}

const g = globalThis as unknown as Record<string, { prototype: object } | undefined>;
const protoOf = (name: string): object | undefined => g[name]?.prototype;

export const objectToString = Object.prototype.toString as (this: unknown) => string;
const fnToString = Function.prototype.toString;
const getProto = Object.getPrototypeOf;

const dateGetTime = Date.prototype.getTime as AnyFn;
const regExpSource = getter(RegExp.prototype, 'source')!;
const mapSize = getter(Map.prototype, 'size')!;
const setSize = getter(Set.prototype, 'size')!;
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength')!;
const sabByteLength = getter(protoOf('SharedArrayBuffer'), 'byteLength');
const numberValueOf = Number.prototype.valueOf as AnyFn;
const stringValueOf = String.prototype.valueOf as AnyFn;
const booleanValueOf = Boolean.prototype.valueOf as AnyFn;
const bigintValueOf = BigInt.prototype.valueOf as AnyFn;
const symbolValueOf = Symbol.prototype.valueOf as AnyFn;
const weakMapHas = WeakMap.prototype.has as AnyFn;
const weakSetHas = WeakSet.prototype.has as AnyFn;
const weakRefDeref = (protoOf('WeakRef') as { deref?: AnyFn } | undefined)?.deref;
const finRegUnregister = (protoOf('FinalizationRegistry') as { unregister?: AnyFn } | undefined)?.unregister;

/** True when `fn.call(o, ...args)` does not throw (brand check). */
function brand(fn: AnyFn | undefined, o: object, arg?: unknown): boolean {
  if (fn === undefined) return false;
  try {
    fn.call(o, arg);
    return true;
  } catch {
    return false;
  }
}

/** Tags of built-ins and host objects that structuredClone rejects. */
const NOT_CLONEABLE_TAGS = new Set([
  'Arguments',
  'Promise',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'FinalizationRegistry',
  'Generator',
  'AsyncGenerator',
  'Module',
  'global',
  'Window',
  'WorkerGlobalScope',
  'DedicatedWorkerGlobalScope',
  'SharedWorkerGlobalScope',
  'ServiceWorkerGlobalScope',
  'MessagePort',
  'Blob',
  'File',
]);

/** Native (engine/host) constructor, i.e. not a JS class or function written by someone. */
function isNativeFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  try {
    return /\{\s*\[native code\]\s*\}\s*$/.test(fnToString.call(fn));
  } catch {
    return false;
  }
}

/** True when a native constructor other than Object appears on the prototype chain (host objects). */
function hasNativeConstructor(o: object): boolean {
  for (let p = getProto(o); p !== null && p !== Object.prototype; p = getProto(p)) {
    const d = Object.getOwnPropertyDescriptor(p, 'constructor');
    if (d !== undefined && isNativeFunction(d.value) && d.value !== Object) return true;
  }
  return false;
}

/** For objects hiding their built-in tag behind a custom Symbol.toStringTag (e.g. a subclass). */
function classifyByBrand(o: object): Kind | undefined {
  if (o instanceof Date && brand(dateGetTime, o)) return Kind.Date;
  if (o instanceof RegExp && brand(regExpSource, o)) return Kind.RegExp;
  if (o instanceof Map && brand(mapSize, o)) return Kind.Map;
  if (o instanceof Set && brand(setSize, o)) return Kind.Set;
  if (o instanceof ArrayBuffer && brand(abByteLength, o)) return Kind.ArrayBuffer;
  if (o instanceof Error) return Kind.Error;
  if (o instanceof Number && brand(numberValueOf, o)) return Kind.Number;
  if (o instanceof String && brand(stringValueOf, o)) return Kind.String;
  if (o instanceof Boolean && brand(booleanValueOf, o)) return Kind.Boolean;
  if (o instanceof BigInt && brand(bigintValueOf, o)) return Kind.BigInt;
  if (o instanceof Promise || o instanceof WeakMap || o instanceof WeakSet) return Kind.NotCloneable;
  if (brand(sabByteLength, o) || brand(weakRefDeref, o) || brand(symbolValueOf, o)) return Kind.NotCloneable;
  return undefined;
}

/**
 * Classifies an object that is not an array and whose prototype is not `Object.prototype` or `null`.
 * Views (typed arrays, DataView) are recognised by the caller with `ArrayBuffer.isView`.
 */
export function classify(o: object): Kind {
  const full = objectToString.call(o);
  switch (full) {
    case '[object Object]':
      return Kind.Plain;
    case '[object Date]':
      return brand(dateGetTime, o) ? Kind.Date : Kind.Plain;
    case '[object RegExp]':
      return brand(regExpSource, o) && o !== RegExp.prototype ? Kind.RegExp : Kind.Plain;
    case '[object Map]':
      return brand(mapSize, o) ? Kind.Map : Kind.Plain;
    case '[object Set]':
      return brand(setSize, o) ? Kind.Set : Kind.Plain;
    case '[object ArrayBuffer]':
      return brand(abByteLength, o) ? Kind.ArrayBuffer : Kind.Plain;
    case '[object SharedArrayBuffer]':
      return brand(sabByteLength, o) ? Kind.NotCloneable : Kind.Plain;
    case '[object Error]':
      // The built-in tag "Error" comes from [[ErrorData]]; a Symbol.toStringTag of "Error" fakes it.
      return (o as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === undefined || o instanceof Error
        ? Kind.Error
        : Kind.Plain;
    case '[object Number]':
      return brand(numberValueOf, o) ? Kind.Number : Kind.Plain;
    case '[object String]':
      return brand(stringValueOf, o) ? Kind.String : Kind.Plain;
    case '[object Boolean]':
      return brand(booleanValueOf, o) ? Kind.Boolean : Kind.Plain;
    case '[object BigInt]':
      return brand(bigintValueOf, o) ? Kind.BigInt : Kind.Plain;
    case '[object Symbol]':
      return brand(symbolValueOf, o) ? Kind.NotCloneable : Kind.Plain;
    case '[object WeakMap]':
      return brand(weakMapHas, o, {}) ? Kind.NotCloneable : Kind.Plain;
    case '[object WeakSet]':
      return brand(weakSetHas, o, {}) ? Kind.NotCloneable : Kind.Plain;
    case '[object WeakRef]':
      return brand(weakRefDeref, o) ? Kind.NotCloneable : Kind.Plain;
    case '[object FinalizationRegistry]':
      return brand(finRegUnregister, o, {}) ? Kind.NotCloneable : Kind.Plain;
    case '[object DOMException]':
      // Node 20's structuredClone turns a DOMException into `{}` (its fields are prototype accessors).
      return Kind.Plain;
    default: {
      const tag = full.slice(8, -1);
      const byBrand = classifyByBrand(o);
      if (byBrand !== undefined) return byBrand;
      if (NOT_CLONEABLE_TAGS.has(tag) || tag.endsWith(' Iterator') || tag.startsWith('Intl.')) {
        return Kind.NotCloneable;
      }
      if (tag.startsWith('WebAssembly.') || tag.startsWith('HTML') || tag.startsWith('SVG')) {
        return Kind.NotCloneable;
      }
      return hasNativeConstructor(o) ? Kind.NotCloneable : Kind.Plain;
    }
  }
}

/** `Object.prototype.toString` tag check for objects with prototype `Object.prototype` / `null`. */
export function isSpecialPlain(o: object): boolean {
  const t = objectToString.call(o);
  return t === '[object Arguments]' || t === '[object Module]';
}

/** Canonical array index ("0".."4294967294"). */
export function isIndex(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return false;
  if (k.length > 10) return false;
  const n = Number(k);
  return n < 4294967295 && String(n) === k;
}
