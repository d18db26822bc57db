import { createHash } from 'node:crypto';
import { frameFixtures, messageFixtures, valueFixtures } from './all-fixtures.js';
import { normalizeHex } from './hex.js';

/** First 16 hex digits of SHA-256: enough to notice any edit, short enough to read in a diff. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The digest of every fixture's bytes by fixture name (values, messages and frames share one name
 * space, prefixed by their group so a value and a message may share a plain name).
 */
export function currentDigests(): Record<string, string> {
  const digests: Record<string, string> = {};
  const add = (key: string, text: string): void => {
    if (key in digests) throw new Error(`two golden fixtures are named "${key}"`);
    digests[key] = digest(text);
  };
  for (const f of valueFixtures) {
    const reencoded = f.reencoded === undefined ? '' : ` / ${normalizeHex(f.reencoded)}`;
    add(`value: ${f.name}`, normalizeHex(f.hex) + reencoded);
  }
  for (const f of messageFixtures) add(`message: ${f.name}`, normalizeHex(f.hex));
  for (const f of frameFixtures) add(`frame: ${f.name}`, normalizeHex(f.hex));
  return digests;
}

/** `digests` as the source text of an object literal, one fixture a line, to paste into wire-record.ts. */
export function digestsSource(digests: Record<string, string>): string {
  const lines = Object.entries(digests).map(([name, d]) => `    ${JSON.stringify(name)}: '${d}',`);
  return `{\n${lines.join('\n')}\n  }`;
}
