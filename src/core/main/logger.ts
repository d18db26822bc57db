import type { Logger } from '../../transports/transport.js';

export type { Logger } from '../../transports/transport.js';

/** Looks `console` up at call time, so test spies installed later still see the output. */
export const consoleLogger: Logger = {
  warn: (...args) => console.warn(...args),
  error: (...args) => console.error(...args),
};
