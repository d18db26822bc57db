/**
 * Decoding objects that share a key list (Tag.ShapeRef) is the hot path of large payloads (arrays of
 * records). A generic loop `o[keys[i]] = value` is a megamorphic keyed store that also grows the object
 * one property at a time. Where the runtime allows `new Function` (not under a Content-Security-Policy
 * without 'unsafe-eval'), we compile one small function per key list instead: it allocates the object
 * from a literal with every key (final hidden class, all fields in-object) and fills it with named stores.
 * That is several times faster. Compiled functions are cached across messages (bounded); a message can
 * trigger only a few compilations, and a global token bucket caps compilations per second, so hostile
 * input (many distinct shapes) cannot turn cheap bytes into much compile work.
 *
 * Keys are embedded with JSON.stringify, which yields a valid, fully escaped JS string literal. Shapes
 * containing `__proto__` are never compiled (a literal `"__proto__": x` would set the prototype).
 */

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

/** Compiled factories by first key (no string building on lookup). */
const cache = new Map<string, { keys: readonly string[]; factory: ShapeFactory<never> }[]>();
let cached = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function cachedFactory<R>(keys: readonly string[]): ShapeFactory<R> | undefined {
  const list = cache.get(keys[0]!);
  if (list === undefined) return undefined;
  for (const e of list) if (sameKeys(e.keys, keys)) return e.factory as ShapeFactory<R>;
  return undefined;
}

/**
 * Compiles a factory for `keys`; returns undefined when code generation is blocked. The factory reads
 * each value with `readAny(r)`, or `readShapeValue(r)` when the next byte is Tag.Hole (0x0f), pushes
 * the object into `r.refs` before reading values (cycles), and calls `fixHoles(r, o, before)` when
 * values were holes (keys deleted while encoding).
 */
export function compileFactory<
  R extends { refs: unknown[] | null; holes: number; src: Uint8Array; pos: number },
>(
  keys: readonly string[],
  readAny: (r: R) => unknown,
  readShapeValue: (r: R) => unknown,
  fixHoles: (r: R, o: object, before: number) => void,
): ShapeFactory<R> | undefined {
  if (evalState === 'blocked' || !takeToken()) return undefined;
  let literal = '';
  let stores = '';
  for (let i = 0; i < keys.length; i++) {
    const k = JSON.stringify(keys[i]);
    literal += `${i === 0 ? '' : ','}${k}:null`;
    // Fixints and strings inline; anything else through readAny; holes through readShapeValue.
    stores += `t=s[r.pos];if(t>=128){r.pos++;o[${k}]=t-128}else if(t===9){r.pos++;o[${k}]=r.string()}else o[${k}]=t===15?v(r):a(r);`;
  }
  const body = `return function(r){var t,h=r.holes;var s=r.src;var o={${literal}};if(r.refs!==null)r.refs.push(o);${stores}if(r.holes!==h)f(r,o,h);return o}`;
  let factory: ShapeFactory<R>;
  try {
    factory = new Function('a', 'v', 'f', body)(readAny, readShapeValue, fixHoles) as ShapeFactory<R>;
    evalState = 'allowed';
  } catch {
    evalState = 'blocked';
    return undefined;
  }
  if (cached >= CACHE_MAX) {
    cache.clear();
    cached = 0;
  }
  const first = keys[0]!;
  let list = cache.get(first);
  if (list === undefined) cache.set(first, (list = []));
  list.push({ keys: keys.slice(), factory: factory as ShapeFactory<never> });
  cached++;
  return factory;
}
