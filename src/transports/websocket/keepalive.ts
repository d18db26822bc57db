/*
 * How a WebSocket client notices that its link to main is dead (a cable pulled, a laptop that slept, a
 * proxy that stopped forwarding without closing). TCP alone can take hours to tell, and until then
 * every pending invoke waits. Browsers cannot send WebSocket pings, so the client pings in the
 * application instead: a zero-length binary message, which main answers at once with one of its own
 * (see docs/protocol.md, "Keepalive"). Browser-safe (no Node imports).
 */

import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { checkInterval, describeValue, MAX_TIMER_MS } from '../../protocol/options.js';

/** How soon a client notices a dead link. */
export interface KeepaliveOptions {
  /**
   * Every this many ms the client checks whether anything arrived from main since the last check; when
   * nothing did, it pings main. Traffic from main costs no pings. `0`: never ping (a dead link then
   * goes unnoticed until the operating system gives up on the connection). Default 10 000.
   */
  keepaliveInterval?: number;
  /**
   * How long (ms) a ping may go unanswered before the link counts as dead: the socket is dropped and
   * every pending call rejects with `ERR_IPC_CLOSED`. Default 10 000. A dead link is noticed at most
   * `2 × keepaliveInterval + keepaliveTimeout` after the last frame from main (30 s by default).
   */
  keepaliveTimeout?: number;
}

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 10_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;

/** The option names, for callers that check for unknown ones. */
export const KEEPALIVE_OPTION_NAMES = ['keepaliveInterval', 'keepaliveTimeout'] as const;

/**
 * The close code a client uses for a link it gave up on (private-use range): nothing about the close
 * is normal (1000), and main's log tells it apart from a page that closed on purpose.
 */
export const KEEPALIVE_CLOSE_CODE = 4000;

/** The last part of `keepaliveTimeout` (at most this, at most half), see {@link Keepalive}. */
const LAST_CALL_MS = 1000;

/**
 * Checks the keepalive options before anything is opened.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option.
 */
export function checkKeepaliveOptions(options: KeepaliveOptions): void {
  checkInterval('keepaliveInterval', options.keepaliveInterval, 'no keepalive');
  const timeout = options.keepaliveTimeout;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `keepaliveTimeout must be a number of milliseconds above 0, at most ${MAX_TIMER_MS} (got ${describeValue(timeout)}); set keepaliveInterval: 0 to turn the keepalive off.`,
    );
  }
}

/** What a {@link Keepalive} watches and pokes: the client's socket. */
export interface KeepaliveLink {
  /** Whether any frame arrived since the last call; the next call answers for the time after this one. */
  takeHeard(): boolean;
  /** Sends a ping; `false` when the socket is not open yet (then the open itself is awaited). */
  ping(): boolean;
  /** Nothing arrived in time: drop the socket and end the connection with `error`. */
  dead(error: IpcError): void;
}

/**
 * The client's liveness check: one unref'd timer per connection, and nothing per frame but the flag
 * behind {@link KeepaliveLink.takeHeard}.
 *
 * Every verdict waits for events, not for a count of timer runs or a clock: the link is dead only when
 * a ping went out and then two timer runs in a row saw nothing arrive, the second armed by the first
 * (the timeout is split between them). Timers that run late (a blocked event loop, a throttled
 * background tab, a frozen page) can therefore only delay a verdict, never cause a false one: frames
 * that arrived meanwhile are read before the second run. That matters in Node, where expired timers
 * run before the I/O that arrived while the loop was blocked, and in browsers, where a frozen page may
 * resume with its timers first.
 */
export class Keepalive {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Watching for silence; a ping is out; the ping's last call before the verdict. */
  private phase: 'watching' | 'pinged' | 'lastCall' = 'watching';
  /** Whether the probe went out on an open socket (for the error's wording). */
  private pinged = false;
  private stopped = false;
  private readonly lastCallMs: number;

  constructor(
    private readonly link: KeepaliveLink,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {
    this.lastCallMs = Math.min(timeoutMs / 2, LAST_CALL_MS);
    this.arm(intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    const timer = setTimeout(this.check, ms);
    // A Node process may exit while its idle connection is being watched.
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private readonly check = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.link.takeHeard()) {
      this.phase = 'watching';
      this.arm(this.intervalMs);
      return;
    }
    switch (this.phase) {
      case 'watching':
        this.phase = 'pinged';
        this.pinged = this.link.ping();
        this.arm(this.timeoutMs - this.lastCallMs);
        return;
      case 'pinged':
        this.phase = 'lastCall';
        this.arm(this.lastCallMs);
        return;
      case 'lastCall':
        this.stopped = true;
        this.link.dead(this.deadLinkError());
        return;
    }
  };

  private deadLinkError(): IpcError {
    return new IpcError(
      IpcErrorCode.Closed,
      this.pinged
        ? `The connection to main is closed: no answer from main within ${this.timeoutMs} ms of a keepalive ping (the link is dead; see keepaliveInterval and keepaliveTimeout).`
        : `The connection to main is closed: nothing arrived from main within ${this.intervalMs + this.timeoutMs} ms of connecting (the link is dead; see keepaliveInterval and keepaliveTimeout).`,
    );
  }
}
