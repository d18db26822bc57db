/**
 * Strict structural equality for structured-clone results: `cloneEqual(actual, expected)` returns null
 * when equal, otherwise a description of the first difference (with its path).
 *
 * - numbers with Object.is (-0, NaN), bigint/string/boolean/undefined/null by identity;
 * - prototypes must be identical (both values live in this realm);
 * - arrays: same own enumerable keys in the same order (holes vs undefined distinguished), same length;
 * - plain objects: same own enumerable string keys in the same order, no symbol keys;
 * - Date (time value), RegExp (source, flags, lastIndex), boxed primitives, Map/Set (in order),
 *   ArrayBuffer (bytes, resizable, maxByteLength), typed arrays/DataView (kind, offset, length, and
 *   their buffers compared as objects, so buffer sharing is checked), Error (constructor, own property
 *   names, name, message, stack, cause);
 * - reference structure: the pairs (actual object, expected object) must form a bijection across the
 *   whole value, so shared references and cycles must be reproduced exactly.
 */
export function cloneEqual(actual: unknown, expected: unknown): string | null {
  const a2e = new Map<object, object>();
  const e2a = new Map<object, object>();
  return eq(actual, expected, '$', a2e, e2a);
}

const toStr = (v: unknown): string => Object.prototype.toString.call(v);

function show(v: unknown): string {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'object' && v !== null) return toStr(v);
    return String(v);
  } catch {
    return '<unprintable>';
  }
}

function eq(
  a: unknown,
  e: unknown,
  path: string,
  a2e: Map<object, object>,
  e2a: Map<object, object>,
): string | null {
  if (typeof a !== typeof e) return `${path}: typeof ${typeof a} !== ${typeof e} (${show(a)} vs ${show(e)})`;
  if (typeof a === 'number') return Object.is(a, e) ? null : `${path}: ${show(a)} !== ${show(e)}`;
  if (typeof a !== 'object' || a === null || e === null) {
    return a === e ? null : `${path}: ${show(a)} !== ${show(e)}`;
  }
  const ao = a as object;
  const eo = e as object;
  const mapped = a2e.get(ao);
  if (mapped !== undefined)
    return mapped === eo ? null : `${path}: reference structure differs (a seen before)`;
  if (e2a.has(eo)) return `${path}: reference structure differs (e seen before)`;
  a2e.set(ao, eo);
  e2a.set(eo, ao);
  if (Object.getPrototypeOf(ao) !== Object.getPrototypeOf(eo)) {
    return `${path}: prototypes differ (${toStr(ao)} vs ${toStr(eo)})`;
  }
  if (toStr(ao) !== toStr(eo)) return `${path}: ${toStr(ao)} vs ${toStr(eo)}`;
  if (Object.getOwnPropertySymbols(ao).length !== 0) return `${path}: actual has symbol keys`;

  if (ao instanceof Date) {
    return Object.is(ao.getTime(), (eo as Date).getTime())
      ? null
      : `${path}: Date ${ao.getTime()} vs ${(eo as Date).getTime()}`;
  }
  if (ao instanceof RegExp) {
    const er = eo as RegExp;
    if (ao.source !== er.source || ao.flags !== er.flags || ao.lastIndex !== er.lastIndex) {
      return `${path}: RegExp /${ao.source}/${ao.flags}@${ao.lastIndex} vs /${er.source}/${er.flags}@${er.lastIndex}`;
    }
    return keysEqual(ao, eo, path, a2e, e2a);
  }
  if (ao instanceof Number || ao instanceof String || ao instanceof Boolean || ao instanceof BigInt) {
    const av: unknown = ao.valueOf();
    const ev: unknown = (eo as Number).valueOf();
    if (!Object.is(av, ev)) return `${path}: boxed ${show(av)} vs ${show(ev)}`;
    return keysEqual(ao, eo, path, a2e, e2a);
  }
  if (ao instanceof ArrayBuffer) {
    const eb = eo as ArrayBuffer;
    if (ao.byteLength !== eb.byteLength) return `${path}: byteLength ${ao.byteLength} vs ${eb.byteLength}`;
    const ar = ao as ArrayBuffer & { resizable?: boolean; maxByteLength?: number };
    const er = eb as ArrayBuffer & { resizable?: boolean; maxByteLength?: number };
    if (ar.resizable !== er.resizable || ar.maxByteLength !== er.maxByteLength)
      return `${path}: resizability differs`;
    const x = new Uint8Array(ao);
    const y = new Uint8Array(eb);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${path}: byte ${i} differs`;
    return null;
  }
  if (ArrayBuffer.isView(ao)) {
    const ev = eo as ArrayBufferView;
    if (ao.constructor !== ev.constructor) return `${path}: view kind differs`;
    if (ao.byteOffset !== ev.byteOffset || ao.byteLength !== ev.byteLength) {
      return `${path}: view ${ao.byteOffset}+${ao.byteLength} vs ${ev.byteOffset}+${ev.byteLength}`;
    }
    return eq(ao.buffer, ev.buffer, `${path}.buffer`, a2e, e2a);
  }
  if (ao instanceof Map) {
    const em = eo as Map<unknown, unknown>;
    if (ao.size !== em.size) return `${path}: Map size ${ao.size} vs ${em.size}`;
    const ae = [...ao];
    const ee = [...em];
    for (let i = 0; i < ae.length; i++) {
      const r =
        eq(ae[i]![0], ee[i]![0], `${path}<key ${i}>`, a2e, e2a) ??
        eq(ae[i]![1], ee[i]![1], `${path}<value ${i}>`, a2e, e2a);
      if (r) return r;
    }
    return keysEqual(ao, eo, path, a2e, e2a);
  }
  if (ao instanceof Set) {
    const es = eo as Set<unknown>;
    if (ao.size !== es.size) return `${path}: Set size ${ao.size} vs ${es.size}`;
    const ae = [...ao];
    const ee = [...es];
    for (let i = 0; i < ae.length; i++) {
      const r = eq(ae[i], ee[i], `${path}<${i}>`, a2e, e2a);
      if (r) return r;
    }
    return keysEqual(ao, eo, path, a2e, e2a);
  }
  if (ao instanceof Error) {
    const ee = eo as Error;
    if (ao.constructor !== ee.constructor)
      return `${path}: Error constructor ${ao.constructor.name} vs ${ee.constructor.name}`;
    const an = Object.getOwnPropertyNames(ao).join();
    const en = Object.getOwnPropertyNames(ee).join();
    if (an !== en) return `${path}: Error own properties [${an}] vs [${en}]`;
    if (ao.name !== ee.name || ao.message !== ee.message || ao.stack !== ee.stack) {
      return `${path}: Error ${ao.name}: ${ao.message} vs ${ee.name}: ${ee.message} (or stack)`;
    }
    for (const k of ['message', 'stack', 'cause']) {
      const ad = Object.getOwnPropertyDescriptor(ao, k);
      const ed = Object.getOwnPropertyDescriptor(ee, k);
      if (ad?.enumerable !== ed?.enumerable || ad?.writable !== ed?.writable)
        return `${path}.${k}: attributes differ`;
    }
    if ('cause' in ao || 'cause' in ee) {
      const r = eq(
        (ao as { cause?: unknown }).cause,
        (ee as { cause?: unknown }).cause,
        `${path}.cause`,
        a2e,
        e2a,
      );
      if (r) return r;
    }
    return keysEqual(ao, eo, path, a2e, e2a);
  }
  if (Array.isArray(ao)) {
    if (ao.length !== (eo as unknown[]).length)
      return `${path}: length ${ao.length} vs ${(eo as unknown[]).length}`;
  }
  return keysEqual(ao, eo, path, a2e, e2a);
}

/** Same own enumerable string keys in the same order, equal values, and data properties only. */
function keysEqual(
  a: object,
  e: object,
  path: string,
  a2e: Map<object, object>,
  e2a: Map<object, object>,
): string | null {
  const ak = Object.keys(a);
  const ek = Object.keys(e);
  if (ak.length !== ek.length || ak.some((k, i) => k !== ek[i])) {
    return `${path}: keys [${ak.slice(0, 8).join()}] vs [${ek.slice(0, 8).join()}]`;
  }
  // String objects have read-only index properties for their characters (compared through valueOf).
  const skip = a instanceof String ? a.length : 0;
  for (const k of ak) {
    const d = Object.getOwnPropertyDescriptor(a, k)!;
    if (skip > 0 && Number(k) < skip) continue;
    if (!('value' in d) || !d.writable || !d.configurable) return `${path}.${k}: not a plain data property`;
    const r = eq(d.value, (e as Record<string, unknown>)[k], `${path}.${k}`, a2e, e2a);
    if (r) return r;
  }
  return null;
}
