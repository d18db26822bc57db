/*
 * When a WebSocket renderer reconnects after its link dropped. Browser-safe (no Node imports).
 */

import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { checkBoolean, describeValue, MAX_TIMER_MS } from '../../protocol/options.js';

/** How a WebSocket renderer comes back after its connection dropped (see docs/resume.md). */
export interface ReconnectOptions {
  /**
   * Reconnect after a drop and resume the session. `false`: a drop ends the connection (pending calls
   * reject with `ERR_IPC_CLOSED`). Default `true`.
   */
  reconnect?: boolean;
  /** The first retry waits up to this long (ms), each next one twice as long. Default 250. */
  reconnectDelay?: number;
  /** No retry waits longer than this (ms). Default 5 000. */
  maxReconnectDelay?: number;
}

export const RECONNECT_OPTION_NAMES = ['reconnect', 'reconnectDelay', 'maxReconnectDelay'] as const;
const DEFAULT_RECONNECT_DELAY_MS = 250;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 5000;

/** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option. */
export function checkReconnectOptions(options: ReconnectOptions): void {
  checkBoolean('reconnect', options.reconnect);
  for (const name of ['reconnectDelay', 'maxReconnectDelay'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && value >= 1 && value <= MAX_TIMER_MS)) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS} (got ${describeValue(value)}).`,
      );
    }
  }
}

/**
 * Exponential backoff with full jitter: retry n waits a random time up to
 * `min(maxReconnectDelay, reconnectDelay × 2^n)`, so pages dropped together (a server restart) do not
 * come back together. The count starts again once a connection delivers a frame.
 */
export class Reconnect {
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #base: number;
  readonly #max: number;

  constructor(
    options: ReconnectOptions,
    private readonly reopen: () => void,
  ) {
    this.#base = options.reconnectDelay ?? DEFAULT_RECONNECT_DELAY_MS;
    this.#max = Math.max(this.#base, options.maxReconnectDelay ?? DEFAULT_MAX_RECONNECT_DELAY_MS);
  }

  schedule(): void {
    if (this.#timer !== undefined) return;
    const ceiling = Math.min(this.#max, this.#base * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.reopen();
    }, ceiling * Math.random());
  }

  /** A connection works again: the next drop starts from the shortest delay. */
  succeeded(): void {
    this.#attempt = 0;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
