/**
 * One copy of each string many renderers repeat: every connection brings its own copy of its page's
 * URL and origin (decoded from its handshake), and a server's thousands of pages of one app mostly
 * share a handful of them (72 B each for a typical URL, bench/memory/heap-breakdown.mjs). Bounded:
 * once `capacity` distinct strings are held it starts over, so strangers sending random URLs cost at
 * most that many.
 */
export class InternedStrings {
  readonly #strings = new Map<string, string>();

  constructor(private readonly capacity = 1024) {}

  /** The held copy equal to `text`, or `text` itself (then held for the next ones). */
  intern(text: string): string {
    const held = this.#strings.get(text);
    if (held !== undefined) return held;
    if (this.#strings.size >= this.capacity) this.#strings.clear();
    this.#strings.set(text, text);
    return text;
  }
}
