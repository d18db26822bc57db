import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckClock, type AckWaiter } from '../../../src/core/shared/ack-clock.js';

/** A waiter that logs `<name>@<ms since the test began>` each time its wait is over. */
function logger(log: string[], name: string, onOver?: (ticket: number) => void): AckWaiter {
  return {
    ackWaitOver(ticket) {
      log.push(`${name}@${Date.now()}`);
      onOver?.(ticket);
    },
  };
}

describe('AckClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('ends each wait exactly its length after it began, in order, on one timer', () => {
    const clock = new AckClock(100);
    const log: string[] = [];
    clock.wait(logger(log, 'a'));
    vi.advanceTimersByTime(30);
    for (let i = 0; i < 50; i++) clock.wait(logger(log, `b${i}`));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(69);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['a@100']);
    vi.advanceTimersByTime(29);
    expect(log).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(log).toHaveLength(51);
    expect(log.at(-1)).toBe('b49@130');
    expect(clock.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hands each waiter the ticket it was given; tickets are never 0 and never repeat', () => {
    const clock = new AckClock(100);
    const seen: number[] = [];
    const waiter: AckWaiter = { ackWaitOver: (ticket) => seen.push(ticket) };
    const tickets = [clock.wait(waiter), clock.wait(waiter), clock.wait(waiter)];
    expect(new Set(tickets).size).toBe(3);
    expect(tickets).not.toContain(0);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(tickets);
  });

  it('lets a waiter wait again from its callback: a whole wait later', () => {
    const clock = new AckClock(100);
    const log: string[] = [];
    let again = true;
    const waiter = logger(log, 'w', () => {
      if (again) clock.wait(waiter);
      again = false;
    });
    clock.wait(waiter);
    vi.advanceTimersByTime(500);
    expect(log).toEqual(['w@100', 'w@200']);
  });

  it('still ends the other waits when one callback throws', () => {
    const clock = new AckClock(100);
    const log: string[] = [];
    clock.wait(
      logger(log, 'bad', () => {
        throw new Error('boom');
      }),
    );
    clock.wait(logger(log, 'good'));
    expect(() => vi.advanceTimersByTime(100)).toThrow('boom');
    vi.advanceTimersByTime(1);
    // On the next timer (Node and browsers make a 0 ms timer at least 1 ms).
    expect(log).toEqual(['bad@100', 'good@101']);
  });

  it('arms a new timer when the one it armed was lost (a fake clock removed under it)', () => {
    const clock = new AckClock(100);
    const log: string[] = [];
    clock.wait(logger(log, 'lost'));
    vi.clearAllTimers();
    vi.advanceTimersByTime(250);
    expect(log).toEqual([]);
    clock.wait(logger(log, 'next'));
    vi.advanceTimersByTime(100);
    expect(log).toEqual(['lost@350', 'next@350']);
  });

  it('ends waits that began on a clock that then went back (fake timers installed meanwhile)', () => {
    const clock = new AckClock(100);
    const log: string[] = [];
    let offset = 50_000;
    vi.spyOn(performance, 'now').mockImplementation(() => Date.now() + offset);
    clock.wait(logger(log, 'before'));
    offset = 0;
    clock.wait(logger(log, 'after'));
    vi.advanceTimersByTime(100);
    expect(log).toEqual(['before@100', 'after@100']);
  });

  it('reuses its slots: many rounds of waits leave nothing behind', () => {
    const clock = new AckClock(10);
    let over = 0;
    const waiter: AckWaiter = { ackWaitOver: () => over++ };
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 20; i++) clock.wait(waiter);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(10);
    expect(over).toBe(2000);
    expect(clock.size).toBe(0);
  });
});
