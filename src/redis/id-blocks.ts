/**
 * Ids a process gives when it has no block (before `ready`, or after a long outage): random, at or above
 * this, far above anything the counter reaches, and unique with overwhelming probability.
 */
export const FALLBACK_IDS = 2 ** 52;

/**
 * Cluster-unique WebContents ids without a round trip per renderer: each process takes blocks of
 * consecutive ids from one Redis counter, and asks for the next block while half of the
 * current one is left, so a burst of connections or a short Redis outage does not run it dry. Ids stay
 * small numbers, as in Electron.
 */
export class IdBlocks {
  #next = 1;
  /** Last id of the current block; `#next > #end` means the block is used up. */
  #end = 0;
  /** The block after this one, once Redis gave it. */
  #reserve: { start: number; end: number } | undefined;
  /** The request for the next block, while one is on its way. */
  #fetching: Promise<void> | undefined;

  constructor(
    private readonly size: number,
    /** Adds `size` to the counter and resolves with its new value: the last id of a fresh block. */
    private readonly fetch: (size: number) => Promise<number>,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** The last id of the blocks this process holds (0 before the first). */
  get highestReserved(): number {
    return this.#reserve?.end ?? this.#end;
  }

  /** Ids left before the process must wait for Redis. */
  get available(): number {
    const current = Math.max(0, this.#end - this.#next + 1);
    return current + (this.#reserve ? this.#reserve.end - this.#reserve.start + 1 : 0);
  }

  /** The next id, or `undefined` when every block is used up (Redis could not be reached in time). */
  take(): number | undefined {
    if (this.#next > this.#end && !this.#advance()) {
      void this.refill();
      return undefined;
    }
    const id = this.#next++;
    if (this.#end - this.#next + 1 < this.size / 2) void this.refill();
    return id;
  }

  /** Asks Redis for the next block unless one is held; resolves once the request is settled. */
  refill(): Promise<void> {
    if (this.#fetching) return this.#fetching;
    if (this.#reserve) return Promise.resolve();
    const fetching = this.fetch(this.size).then(
      (last) => {
        this.#fetching = undefined;
        this.#reserve = { start: last - this.size + 1, end: last };
        if (this.#next > this.#end) this.#advance();
      },
      (error: unknown) => {
        this.#fetching = undefined;
        this.failed(error);
      },
    );
    this.#fetching = fetching;
    return fetching;
  }

  #advance(): boolean {
    const reserve = this.#reserve;
    if (!reserve) return false;
    this.#reserve = undefined;
    this.#next = reserve.start;
    this.#end = reserve.end;
    return true;
  }
}
