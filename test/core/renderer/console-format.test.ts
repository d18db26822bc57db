import { describe, expect, it } from 'vitest';
import { callerLocation, formatConsoleArgs } from '../../../src/core/renderer/console-format.js';

describe('console message text', () => {
  it('applies format specifiers and appends the rest with spaces, as the console prints them', () => {
    expect(formatConsoleArgs(['%s has %d items (%i%%), %f', 'cart', 3.7, '42', 1.5, 'extra'], 100)).toBe(
      'cart has 3 items (42%), 1.5 extra',
    );
    expect(formatConsoleArgs(['%cstyled', 'color: red'], 100)).toBe('styled');
    expect(formatConsoleArgs(['missing %s'], 100)).toBe('missing %s');
    expect(formatConsoleArgs([1, { a: 1 }, [1, 2], null, undefined], 100)).toBe(
      '1 [object Object] 1,2 null undefined',
    );
  });

  it('prints Errors with their stack, and survives objects that cannot become strings', () => {
    const error = new Error('boom');
    expect(formatConsoleArgs([error], 10_000)).toBe(error.stack);
    expect(formatConsoleArgs([Object.create(null)], 100)).toBe('[object Object]');
    expect(formatConsoleArgs(['%d', Symbol('s')], 100)).toBe('NaN');
  });

  it('is cut to the limit with an ellipsis', () => {
    const text = formatConsoleArgs(['a'.repeat(50), 'b'.repeat(50)], 20);
    expect(text).toHaveLength(20);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('caller location', () => {
  it('reads V8 and SpiderMonkey stack lines, skipping the wrapper’s own frames', () => {
    const v8 = [
      'Error',
      '    at console.log (http://127.0.0.1:3000/ipc-anywhere/renderer.js:1:999)',
      '    at render (http://127.0.0.1:3000/app.js:42:7)',
    ].join('\n');
    expect(callerLocation(v8, 1)).toEqual({ sourceId: 'http://127.0.0.1:3000/app.js', line: 42 });
    expect(callerLocation('    at http://127.0.0.1:3000/inline.html:7:3', 0)).toEqual({
      sourceId: 'http://127.0.0.1:3000/inline.html',
      line: 7,
    });
    const firefox = 'wrapper@http://h/renderer.js:1:2\nrender@http://h/app.js:9:1\n';
    expect(callerLocation(firefox, 1)).toEqual({ sourceId: 'http://h/app.js', line: 9 });
    expect(callerLocation(undefined, 1)).toEqual({ sourceId: '', line: 0 });
  });
});
