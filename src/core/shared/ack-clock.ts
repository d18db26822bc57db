/**
 * One timer for every link of the realm that waits to acknowledge. A resumable link that receives
 * waits half the acknowledgement delay a few times a second; with a timer of its own each time, main
 * with a thousand clients (bench/many) had 600-950 timers alive at any moment, each long enough to
 * survive a young collection. Every wait has the same length, so waits end in the order they began:
 * a queue with one timer for its oldest entry keeps each link's exact delay.
 *
 * A link cancels a wait by forgetting its ticket; the entry is skipped when its turn comes.
 */
export interface AckWaiter {
  /** The wait with `ticket` is over (the waiter ignores a ticket it no longer holds). */
  ackWaitOver(ticket: number): void;
}

export class AckClock {
  readonly #waitMs: number;
  #waiters: (AckWaiter | undefined)[] = [];
  #tickets: number[] = [];
  /** When each wait ends, on `performance.now()`'s clock. */
  #ends: number[] = [];
  #head = 0;
  #tail = 0;
  #lastTicket = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer should have fired (a timer lost to a fake clock is noticed by it). */
  #timerAt = 0;

  constructor(waitMs: number) {
    this.#waitMs = waitMs;
  }

  /** Starts a wait for `waiter`; returns its ticket (never 0, so 0 can mean "not waiting"). */
  wait(waiter: AckWaiter): number {
    const now = performance.now();
    const ticket = ++this.#lastTicket;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
    else if (this.#tail === this.#waiters.length && this.#head >= this.#tail / 2) this.#compact();
    const at = this.#tail++;
    this.#waiters[at] = waiter;
    this.#tickets[at] = ticket;
    this.#ends[at] = now + this.#waitMs;
    // Nothing armed, or a timer that should have fired long ago (armed under a fake clock since removed).
    if (this.#timer === undefined || now > this.#timerAt + this.#waitMs) this.#arm(this.#waitMs, now);
    return ticket;
  }

  /** Entries waiting, cancelled ones included (for tests). */
  get size(): number {
    return this.#tail - this.#head;
  }

  #arm(delayMs: number, now: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = now + delayMs;
    const timer = setTimeout(fired, delayMs, this);
    // A Node process may exit while a link waits to acknowledge (as with a timer per link before).
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  /** @internal The timer fired: ends every wait that is over, oldest first, and arms for the next. */
  fired(): void {
    this.#timer = undefined;
    const now = performance.now();
    const waiters = this.#waiters;
    // Waits started by the callbacks below go behind `tail` and end a whole wait from now.
    while (this.#head < this.#tail) {
      const at = this.#head;
      const end = this.#ends[at]!;
      // Timers count whole milliseconds: one may fire up to a millisecond before `end` on this clock.
      // An end more than a whole wait away means the clock went back (fake timers installed while
      // links waited): that wait is over rather than stretched.
      if (end > now + 1 && end <= now + this.#waitMs + 1) {
        this.#arm(end - now, now);
        return;
      }
      const waiter = waiters[at]!;
      waiters[at] = undefined;
      this.#head = at + 1;
      try {
        waiter.ackWaitOver(this.#tickets[at]!);
      } catch (error) {
        // The others still get their turn.
        if (this.#head < this.#tail) this.#arm(0, now);
        throw error;
      }
    }
    // Nothing waits: arrays grown by a burst (a thousand connections opening) are not kept.
    if (this.#waiters.length > MAX_IDLE_SLOTS) {
      this.#waiters = [];
      this.#tickets = [];
      this.#ends = [];
      this.#head = this.#tail = 0;
    }
  }

  #compact(): void {
    const head = this.#head;
    const tail = this.#tail;
    this.#waiters.copyWithin(0, head, tail).fill(undefined, tail - head, tail);
    this.#tickets.copyWithin(0, head, tail);
    this.#ends.copyWithin(0, head, tail);
    this.#head = 0;
    this.#tail = tail - head;
  }
}

const MAX_IDLE_SLOTS = 64;

function fired(clock: AckClock): void {
  clock.fired();
}
