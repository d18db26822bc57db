/** A connection as the server-wide budget sees it. */
export interface BacklogHolder {
  /** The backlog it had when it last sent (what {@link BacklogBudget.observe} was told). */
  observedBacklog: number;
  /** Bytes waiting to be sent right now. */
  readonly backlog: number;
  /** Cut off: the budget is spent and this holder has the largest backlog. Releases its share. */
  overBudget(total: number, max: number): void;
}

/**
 * The bytes waiting to be sent across all of a server's connections, against `maxTotalBufferedBytes`.
 * Each connection's own bound keeps one slow page from holding much; this keeps many of them, together,
 * from holding more than the server can afford (a thousand stalled pages at 4 MiB each would be 4 GiB).
 *
 * Keeping an exact sum would mean reading every socket on every send. Instead each connection reports
 * its backlog when it sends, and the running sum of those reports is an upper bound (a backlog only
 * grows by sending; between sends the network drains it). Only when that bound passes the budget are
 * the sockets read for real; if the true sum is over too, the connection with the largest backlog is
 * cut, then the next, until the sum fits.
 */
export class BacklogBudget {
  /** Sum of the holders' `observedBacklog`. */
  private total = 0;

  constructor(
    readonly max: number,
    private readonly holders: () => Iterable<BacklogHolder>,
  ) {}

  /** `holder` sent something and now has `backlog` bytes waiting. */
  observe(holder: BacklogHolder, backlog: number): void {
    this.total += backlog - holder.observedBacklog;
    holder.observedBacklog = backlog;
    if (this.total > this.max) this.enforce();
  }

  /** `holder` is gone: its backlog no longer counts (its socket was destroyed with it). */
  release(holder: BacklogHolder): void {
    this.total -= holder.observedBacklog;
    holder.observedBacklog = 0;
  }

  /** The bytes counted against the budget (an upper bound of what is really waiting). */
  get counted(): number {
    return this.total;
  }

  private enforce(): void {
    let total = 0;
    for (const holder of this.holders()) {
      holder.observedBacklog = holder.backlog;
      total += holder.observedBacklog;
    }
    this.total = total;
    // Bounded: each round cuts one holder, which releases its share (and leaves the holders' list).
    while (this.total > this.max) {
      let largest: BacklogHolder | undefined;
      for (const holder of this.holders()) {
        if (!largest || holder.observedBacklog > largest.observedBacklog) largest = holder;
      }
      if (!largest || largest.observedBacklog === 0) return;
      const before = this.total;
      largest.overBudget(before, this.max);
      if (this.total === before) this.release(largest); // it failed to leave: never loop on it
    }
  }
}
