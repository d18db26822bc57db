// Deterministic payloads for bench/codec.bench.mjs.

/** Small PRNG (mulberry32) so every run encodes the same bytes. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a typical ipcRenderer.send carries: channel name plus a tiny object. */
export function smallPayload() {
  return ['channel', { a: 1, b: 'hello' }];
}

/** Strings, numbers, nested objects, a Date, a 10-entry Map and a 4 KB Uint8Array. */
export function mixedPayload() {
  const rand = rng(42);
  const blob = new Uint8Array(4096);
  for (let i = 0; i < blob.length; i++) blob[i] = Math.floor(rand() * 256);
  return {
    id: 'req-7f3a9c',
    user: {
      name: 'Alice Example',
      email: 'alice@example.com',
      roles: ['admin', 'editor'],
      prefs: { theme: 'dark', language: 'en-GB', notifications: true, fontSize: 14 },
    },
    items: Array.from({ length: 20 }, (_, i) => ({
      sku: `SKU-${1000 + i}`,
      title: `Item number ${i}`,
      qty: i % 5,
      price: Math.round(rand() * 10000) / 100,
      tags: ['new', i % 2 ? 'sale' : 'regular'],
    })),
    created: new Date(1700000000000),
    lookup: new Map(Array.from({ length: 10 }, (_, i) => [`key${i}`, { index: i, label: `Label ${i}` }])),
    blob,
    note: 'Unicode text: café, naïve, 日本語, emoji 🎉. '.repeat(3),
  };
}

/** ~1.2 MB of JSON: 10 000 records with strings, numbers, booleans and nested arrays. */
export function largePayload() {
  return { kind: 'records', version: 3, records: records(10000) };
}

/** ~10 KB of JSON: a page of 90 records, as a list view fetches them. */
export function recordPagePayload() {
  return { kind: 'records', version: 3, page: 1, records: records(90) };
}

/** A 1 MiB file with its name, as an upload or a download carries it. */
export function binaryPayload() {
  const rand = rng(11);
  const bytes = new Uint8Array(1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return { name: 'photo.jpg', type: 'image/jpeg', bytes };
}

/**
 * A realistic mix, as one sequence of separate messages: 90 small objects, 9 record pages of ~10 KB
 * and one 1 MiB file (by count 90% / 9% / 1%; by bytes mostly the file).
 */
export function mixPayload() {
  const small = smallPayload();
  const page = recordPagePayload();
  return [...Array(90).fill(small), ...Array(9).fill(page), binaryPayload()];
}

function records(count) {
  const rand = rng(7);
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push({
      id: i,
      name: `user ${i}`,
      email: `user${i}@example.com`,
      active: i % 3 !== 0,
      score: Math.round(rand() * 100000) / 100,
      tags: [words[i % 8], words[(i * 3) % 8]],
      point: [Math.floor(rand() * 1000), Math.floor(rand() * 1000)],
    });
  }
  return records;
}
