/**
 * Hex text for golden fixtures: pairs of hex digits, any whitespace between them ignored, so a fixture
 * can be written one field per line.
 */
export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/.test(digits)) throw new Error(`not lower-case hex byte pairs: ${hex}`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Bytes as hex pairs separated by single spaces (the canonical form that fixtures are compared in). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** A fixture's hex in canonical form (whitespace normalised to one space between bytes). */
export function normalizeHex(hex: string): string {
  return toHex(fromHex(hex));
}
