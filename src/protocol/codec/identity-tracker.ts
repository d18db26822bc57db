/**
 * The objects already written while encoding one value, so that shared references and cycles become
 * `Tag.Ref`s to the id (position in first-visit order) of the first copy.
 *
 * Three modes, cheapest first: a short list scanned linearly (most messages), then a Set (membership
 * only: one hash operation per object), then, from the first object met a second time on, a Map from
 * object to id. Splitting the Set into chunks small enough for the young generation was measured and
 * rejected: the extra lookups cost more than the large-object allocations they avoid.
 */

/** Up to this many objects a linear scan beats hashing. */
const LIST_MAX = 12;

export class IdentityTracker {
  /** Ids handed out so far (objects plus synthetic ids). */
  count = 0;
  /** First LIST_MAX objects in id order while `set` is null; null marks a synthetic id. */
  private readonly list: (object | null)[] = new Array<object | null>(LIST_MAX).fill(null);
  /** Every object seen, in id order (Set iteration order is insertion order). */
  private set: Set<object> | null = null;
  private ids: Map<object, number> | null = null;

  /** The id of `o` when it was seen before; otherwise registers it under the next id and returns -1. */
  idOf(o: object): number {
    // The Set mode first and alone (small enough to inline): large values spend all their time here.
    const set = this.set;
    if (set !== null) {
      const size = set.size;
      set.add(o);
      if (set.size === size) return this.switchToIds(o);
      this.count = size + 1;
      return -1;
    }
    return this.ids !== null ? this.idFromMap(this.ids, o) : this.idFromList(o);
  }

  private idFromList(o: object): number {
    const list = this.list;
    const n = this.count;
    for (let i = 0; i < n; i++) if (list[i] === o) return i;
    list[n] = o;
    this.count = n + 1;
    if (n + 1 === LIST_MAX) this.set = listToSet(list);
    return -1;
  }

  private idFromMap(ids: Map<object, number>, o: object): number {
    const id = ids.get(o);
    if (id !== undefined) return id;
    ids.set(o, this.count++);
    return -1;
  }

  /** First repeated object: index everything seen so far by id (Set order is id order), once. */
  private switchToIds(o: object): number {
    const m = new Map<object, number>();
    let i = 0;
    for (const x of this.set!) m.set(x, i++);
    this.ids = m;
    this.set = null;
    return m.get(o)!;
  }

  /** Consumes an id that belongs to no source object (the own-bytes buffer of a Node Buffer). */
  syntheticId(): void {
    if (this.ids !== null) {
      this.count++;
    } else if (this.set !== null) {
      this.set.add({});
      this.count = this.set.size;
    } else {
      this.list[this.count++] = null;
      if (this.count === LIST_MAX) this.set = listToSet(this.list);
    }
  }

  /** Drops every reference to the encoded value (the tracker is pooled). */
  reset(): void {
    this.list.fill(null, 0, Math.min(this.count, LIST_MAX));
    this.set = null;
    this.ids = null;
    this.count = 0;
  }
}

function listToSet(list: (object | null)[]): Set<object> {
  const s = new Set<object>();
  for (const x of list) s.add(x ?? {});
  return s;
}
