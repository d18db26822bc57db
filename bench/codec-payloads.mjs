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
  const rand = rng(7);
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const records = [];
  for (let i = 0; i < 10000; i++) {
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
  return { kind: 'records', version: 3, records };
}
