import { describe, expect, it } from 'vitest';
import { createSyncEvent } from '../../../src/core/main/main-events.js';
import type { WebContents } from '../../../src/core/main/web-contents-impl.js';

const sender = { getProcessId: () => 7, mainFrame: { url: 'x', origin: 'y', frameId: 1, processId: 7 } };

describe('sync events', () => {
  it('have returnValue as an own enumerable, non-configurable, write-only accessor', () => {
    const event = createSyncEvent(sender as unknown as WebContents, () => {});
    const descriptor = Object.getOwnPropertyDescriptor(event, 'returnValue')!;
    expect(descriptor.enumerable).toBe(true);
    expect(descriptor.configurable).toBe(false);
    expect(typeof descriptor.set).toBe('function');
    event.returnValue = 1;
    expect(event.returnValue).toBeUndefined();
    expect(Object.keys(event)).toContain('returnValue');
    expect(Object.getOwnPropertySymbols(event)).toEqual([]);
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
  });

  it('answer once, each with its own value; a throwing answer leaves the event unanswered', () => {
    const answers: unknown[] = [];
    const a = createSyncEvent(sender as unknown as WebContents, (value) => answers.push(['a', value]));
    let fail = true;
    const b = createSyncEvent(sender as unknown as WebContents, (value) => {
      if (fail) throw new Error('not cloneable');
      answers.push(['b', value]);
    });
    expect(() => {
      b.returnValue = 'bad';
    }).toThrow('not cloneable');
    fail = false;
    a.returnValue = 1;
    a.returnValue = 2;
    b.returnValue = 3;
    b.returnValue = 4;
    expect(answers).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
  });

  it('ignore the setter called on anything else', () => {
    const answers: unknown[] = [];
    const event = createSyncEvent(sender as unknown as WebContents, (value) => answers.push(value));
    const { set } = Object.getOwnPropertyDescriptor(event, 'returnValue')!;
    set!.call({}, 1);
    set!.call(Object.create(event), 2);
    expect(answers).toEqual([]);
  });
});
