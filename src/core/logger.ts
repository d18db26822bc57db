/** Where the main side reports what Electron prints (handler errors, sync warnings) and dropped peers. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Looks `console` up at call time, so test spies installed later still see the output. */
export const consoleLogger: Logger = {
  warn: (...args) => console.warn(...args),
  error: (...args) => console.error(...args),
};
