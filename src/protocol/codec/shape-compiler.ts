/**
 * Objects that share a key list are the hot path of large payloads (arrays of records), on both sides.
 * A generic loop over the keys does megamorphic keyed loads and stores, and the decoder grows each object
 * one property at a time. Where the runtime allows `new Function` (not under a Content-Security-Policy
 * without 'unsafe-eval'), we compile one small function per key list instead:
 * - decoding: it allocates the object with a constructor that assigns every key (final hidden class,
 *   all fields in-object) and fills it with named stores. Not with an object literal: V8 pretenures a
 *   literal's allocation site once most of its objects survive a scavenge, which happens to the
 *   records of large values decoded while a scavenge runs, and from then on every decoded object is
 *   allocated in the old generation (measured: the 1 MB round trip fell from 1.4x to 1.0x JSON in
 *   about one process in three). Constructed objects have no allocation site;
 * - encoding: it reads each field with a named load and writes strings and numbers inline, so every field
 *   keeps its own type feedback.
 * Both are several times faster than the generic loops. Compiled functions are cached across messages
 * (bounded); a message can trigger only a few compilations, and a global token bucket caps compilations
 * per second, so hostile input (many distinct shapes) cannot turn cheap bytes into much compile work.
 *
 * Keys are embedded with JSON.stringify, which yields a valid, fully escaped JS string literal. Key lists
 * containing `__proto__` are never compiled (`o["__proto__"]` and a literal `"__proto__": x` reach the
 * prototype, not an own property).
 */
import { Tag } from './tags.js';

/** Builds one object of a shape from the reader (values in key order). */
export type ShapeFactory<R> = (r: R) => object;

/** A shape is compiled once a single message used it this many times (or it is in the cache). */
export const COMPILE_AFTER_USES = 8;
/** Compilations one message may trigger. */
export const MAX_COMPILES_PER_MESSAGE = 16;
const CACHE_MAX = 512;
/** Token bucket: at most BUCKET compilations in a burst, refilled at RATE per second. */
const BUCKET = 128;
const RATE = 100;
let tokens = BUCKET;
let refilledAt = 0;

function takeToken(): boolean {
  const now = Date.now();
  tokens = Math.min(BUCKET, tokens + ((now - refilledAt) * RATE) / 1000);
  refilledAt = now;
  if (tokens < 1) return false;
  tokens--;
  return true;
}

let evalState: 'unknown' | 'allowed' | 'blocked' = 'unknown';
let enabled = true;

/**
 * Turns shape compilation on or off (default on). Under a Content-Security-Policy without
 * 'unsafe-eval' the first attempt fails (and browsers log one CSP violation), after which the codec
 * silently uses the generic path; call `setShapeCompilation(false)` early to avoid even that attempt.
 */
export function setShapeCompilation(on: boolean): void {
  enabled = on;
}

/** Whether compiled factories may be used. */
export function shapeCompilationEnabled(): boolean {
  return enabled && evalState !== 'blocked';
}

/** Compiled functions of one kind by first key (no string building on lookup); cleared when full. */
class CompiledCache<F> {
  private readonly byFirstKey = new Map<string, { keys: readonly string[]; fn: F }[]>();
  private size = 0;

  get(keys: readonly string[]): F | undefined {
    const list = this.byFirstKey.get(keys[0]!);
    if (list === undefined) return undefined;
    for (const e of list) if (sameKeys(e.keys, keys)) return e.fn;
    return undefined;
  }

  add(keys: readonly string[], fn: F): void {
    if (this.size >= CACHE_MAX) this.clear();
    const first = keys[0]!;
    let list = this.byFirstKey.get(first);
    if (list === undefined) this.byFirstKey.set(first, (list = []));
    list.push({ keys: keys.slice(), fn });
    this.size++;
  }

  clear(): void {
    this.byFirstKey.clear();
    this.size = 0;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `new Function(...params, body)(...args)`, or undefined when code generation is blocked or rationed. */
function compile<F>(params: string[], body: string, args: unknown[]): F | undefined {
  if (evalState === 'blocked' || !takeToken()) return undefined;
  try {
    const fn = new Function(...params, body)(...args) as F;
    evalState = 'allowed';
    return fn;
  } catch {
    evalState = 'blocked';
    return undefined;
  }
}

const factories = new CompiledCache<ShapeFactory<never>>();

export function cachedFactory<R>(keys: readonly string[]): ShapeFactory<R> | undefined {
  return factories.get(keys) as ShapeFactory<R> | undefined;
}

/**
 * Compiles a factory for `keys`; returns undefined when code generation is blocked. The factory reads
 * each value with `readAny(r)`, or `readShapeValue(r)` when the next byte is Tag.Hole, pushes the object
 * into `r.refs` before reading values (cycles), and calls `fixHoles(r, o, before)` when values were holes
 * (keys deleted while encoding).
 */
export function compileFactory<
  R extends { refs: unknown[] | null; holes: number; src: Uint8Array; pos: number },
>(
  keys: readonly string[],
  readAny: (r: R) => unknown,
  readShapeValue: (r: R) => unknown,
  fixHoles: (r: R, o: object, before: number) => void,
): ShapeFactory<R> | undefined {
  let fields = '';
  let stores = '';
  for (let i = 0; i < keys.length; i++) {
    const k = JSON.stringify(keys[i]);
    fields += `this[${k}]=null;`;
    // Fixints and strings inline; anything else through readAny; holes through readShapeValue.
    stores += `t=s[r.pos];if(t>=${Tag.FixIntBase}){r.pos++;o[${k}]=t-${Tag.FixIntBase}}else if(t===${Tag.String}){r.pos++;o[${k}]=r.string()}else o[${k}]=t===${Tag.Hole}?v(r):a(r);`;
  }
  const body = `function S(){${fields}}S.prototype=Object.prototype;return function(r){var t,h=r.holes;var s=r.src;var o=new S();if(r.refs!==null)r.refs.push(o);${stores}if(r.holes!==h)f(r,o,h);return o}`;
  const factory = compile<ShapeFactory<R>>(['a', 'v', 'f'], body, [readAny, readShapeValue, fixHoles]);
  if (factory !== undefined) factories.add(keys, factory as ShapeFactory<never>);
  return factory;
}

/** Writes the values of one object of a shape (the ShapeRef header is already written). */
export type ShapeWriter<S> = (st: S, o: object, depth: number) => void;

const writers = new CompiledCache<ShapeWriter<never>>();

/**
 * @internal Forgets every compiled function (tests: each cache fills up at its own moment, so a test that
 * asks whether a key list has both a writer and a factory starts from empty caches).
 */
export function clearShapeCaches(): void {
  writers.clear();
  factories.clear();
}

export function cachedWriter<S>(keys: readonly string[]): ShapeWriter<S> | undefined {
  return writers.get(keys) as ShapeWriter<S> | undefined;
}

/**
 * Compiles a writer for `keys`; returns undefined when code generation is blocked. Per key, in order: a
 * named load (getters run once, like structuredClone's Get); a key deleted meanwhile by a getter becomes
 * Tag.Hole (the load then gives undefined, or an inherited function such as `toString`); strings and numbers are written inline, objects with `writeObject(st, value, depth)`, anything
 * else with `writeAny(st, value, depth)`. Arguments objects (own `callee`) go to `rejectArguments`.
 */
export function compileWriter<S extends { w: { u8(n: number): void; string(s: string): void } }, W>(
  keys: readonly string[],
  writeAny: (st: S, v: unknown, depth: number) => void,
  writeObject: (st: S, o: object, depth: number) => void,
  writeNumber: (w: W, n: number) => void,
  rejectArguments: (o: object) => void,
): ShapeWriter<S> | undefined {
  let fields = '';
  for (const key of keys) {
    const k = JSON.stringify(key);
    fields += `v=o[${k}];if(typeof v==="string"){w.u8(${Tag.String});w.string(v)}else if(typeof v==="number")n(w,v);else if(typeof v==="object"&&v!==null)c(st,v,d);else if((v===undefined||typeof v==="function")&&!h.call(o,${k}))w.u8(${Tag.Hole});else a(st,v,d);`;
  }
  // An arguments object can have the key list of plain objects; the `in` check here sees one hidden class.
  const body = `return function(st,o,d){var w=st.w,v;if("callee"in o)x(o);${fields}}`;
  const writer = compile<ShapeWriter<S>>(['a', 'c', 'n', 'h', 'x'], body, [
    writeAny,
    writeObject,
    writeNumber,
    Object.prototype.hasOwnProperty,
    rejectArguments,
  ]);
  if (writer !== undefined) writers.add(keys, writer as ShapeWriter<never>);
  return writer;
}
