/**
 * The text of a console call as `'console-message'` carries it: format specifiers applied
 * (`%s %d %i %f %o %O %c %%`), other arguments appended with spaces, objects as `String(value)` gives
 * them (`[object Object]`), Errors as their stack. Cut to `max` characters.
 */
export function formatConsoleArgs(args: readonly unknown[], max: number): string {
  let text = '';
  let next = 0;
  const first = args[0];
  if (typeof first === 'string') {
    next = 1;
    text = first.replace(/%([sdifoOc%])/g, (whole, spec: string) => {
      if (spec === '%') return '%';
      if (next >= args.length) return whole;
      const value = args[next++];
      switch (spec) {
        case 's':
          return describe(value);
        case 'd':
        case 'i':
        case 'f': {
          const number = typeof value === 'symbol' ? Number.NaN : Number(value);
          return String(spec === 'f' ? number : Math.trunc(number));
        }
        case 'c':
          return '';
        default:
          return describe(value);
      }
    });
  }
  for (; next < args.length && text.length < max; next++) {
    text = text === '' && next === 0 ? describe(args[next]) : `${text} ${describe(args[next])}`;
  }
  return cutText(text, max);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  try {
    return String(value);
  } catch {
    // An object without a usable toString (Object.create(null), a throwing getter).
    return Object.prototype.toString.call(value);
  }
}

/** `text` cut to `max` characters, the cut marked with an ellipsis. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Where the code that called the console method is, from a stack captured inside the wrapper:
 * `skip` frames (the wrapper's own) are passed over. V8 (`at f (url:line:col)`) and SpiderMonkey /
 * JavaScriptCore (`f@url:line:col`) lines are read; anything else gives `{ sourceId: '', line: 0 }`.
 */
export function callerLocation(stack: string | undefined, skip: number): { sourceId: string; line: number } {
  const frames = (stack ?? '')
    .split('\n')
    .map((line) => /(?:\(|@|at\s+)([^()@\s]+?):(\d+):\d+\)?\s*$/.exec(line))
    .filter((match) => match !== null);
  const match = frames[skip];
  return match ? { sourceId: match[1]!, line: Number(match[2]) } : { sourceId: '', line: 0 };
}
